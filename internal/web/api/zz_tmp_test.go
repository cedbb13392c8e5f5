package api
import ("testing";"encoding/json";"os")
func TestTmpDump(t *testing.T){ b,_:=json.MarshalIndent(Document("en"),""," "); os.WriteFile("/tmp/openapi.json",b,0o644); t.Log(len(Routes())) }
