package cases

// What the photo tests (package cases_test, which may use testutil) reach inside.
var (
	JPEGOrientation = jpegOrientation
	ReencodePhoto   = reencodePhoto
	Orient          = orient
	PhotoName       = photoName
)
