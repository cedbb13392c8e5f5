package documents

// Defaults are the wordings a deployment starts with, until an administrator saves
// their own. The receipt and the notice of acceptance follow 信访工作条例 第二十二、
// 二十三条 (register, and tell the petitioner within 15 days whether it is accepted,
// where it went and how it will be handled) and 第三十四条 (60 days to handle,
// extendable by up to 30 with the reason told); the assignment order 第二十三条's five
// working days for a department to object to a matter outside its remit.
var Defaults = map[Kind]Template{
	KindReceipt: {
		Kind:   KindReceipt,
		Title:  "登记回执",
		Prefix: "{{简称}}综治登",
		Body: `{{当事人}}：
您于{{登记日期}}向{{中心}}反映的“{{事项}}”（{{类型}}，{{类别}}）已登记，案件编号{{案件编号}}，查询码{{查询码}}。
{{告知依据}}我中心将自收到之日起{{告知天数}}日内（{{告知期限}}前）告知您是否受理；属于本中心及其职能部门职权范围的，告知您处理途径和程序；属于其他机关、单位职权范围的，告知您转送、交办去向，或者应当向哪一机关、单位提出。
您可以扫描下方二维码，或者在群众端输入查询码和登记手机号码后四位，查询办理进度，办结后评价办理结果。
请如实反映情况，不得捏造、歪曲事实，不得诬告、陷害他人。`,
		Closing: "特此回执。",
	},
	KindAcceptance: {
		Kind:   KindAcceptance,
		Title:  "受理告知书",
		Prefix: "{{简称}}综治受",
		Body: `{{当事人}}：
您于{{登记日期}}反映的“{{事项}}”（案件编号{{案件编号}}），经审查，属于受理范围。{{中心}}已于{{受理日期}}依法受理，由{{承办单位}}负责办理。
办理期限至{{办理期限}}。情况复杂的，经批准可以适当延长办理期限，并告知您延期理由。
您可以扫描下方二维码，或者在群众端输入查询码{{查询码}}和登记手机号码后四位，查询办理进度。办结后我们将进行回访，请您对办理结果作出评价。`,
		Closing: "特此告知。",
	},
	KindAssignment: {
		Kind:   KindAssignment,
		Title:  "交办单",
		Prefix: "{{简称}}综治交",
		Body: `{{承办单位}}：
现将“{{事项}}”（案件编号{{案件编号}}）交由你单位主办，请及时签收并依法依规办理，于{{办理期限}}前将办理结果报送{{中心}}。
协办单位应当积极配合主办单位，按期报送承办部分的办理情况。
对不属于你单位职权范围的，请自收到之日起五个工作日内说明理由并回退，不得推诿、敷衍、拖延。
{{交办意见}}`,
		Closing: "",
	},
	KindSupervision: {
		Kind:   KindSupervision,
		Title:  "督办单",
		Prefix: "{{简称}}综治督",
		Body: `{{督办对象}}：
“{{事项}}”（案件编号{{案件编号}}）办理中需要督促落实，{{中心}}于{{督办日期}}予以{{督办级别}}督办。
督办要求：{{督办要求}}
请于{{回复期限}}前将办理进展和结果书面回复{{中心}}。逾期未回复的，将提级督办，并纳入考评。`,
		Closing: "",
	},
	KindFollowUp: {
		Kind:   KindFollowUp,
		Title:  "回访记录",
		Prefix: "{{简称}}综治访",
		Body: `{{回访日期}}，{{中心}}对“{{事项}}”（案件编号{{案件编号}}）的当事人进行了回访。
办理结果：{{办理结果}}。
当事人评价：{{满意度}}。
回访情况：{{回访情况}}`,
		Closing: "",
	},
	KindDossier: {
		Kind:  KindDossier,
		Title: "案件卷宗",
		Body: `本卷收录“{{事项}}”（案件编号{{案件编号}}）自{{登记日期}}登记至今的办理材料：封面、卷内目录、办理经过、出具文书及附件目录。
办理结果：{{办理结果}}。`,
		Closing: "",
	},
	KindMediationRecord: {
		Kind:  KindMediationRecord,
		Title: "调解笔录",
		Body: `时间：{{调解日期}}
地点：{{调解地点}}
调解组织：{{调解组织}}
调解员：{{调解员}}
参加人员：{{参加人员}}
案由：“{{事项}}”（案件编号{{案件编号}}）。调解员告知各方当事人依照《中华人民共和国人民调解法》第二十三条享有的权利和第二十四条应当履行的义务，当事人表示清楚。
各方陈述见下表。
调解结果：{{调解结果}}。{{达成内容}}{{未达成原因}}`,
		Closing: "以上笔录经各方当事人阅看（或向其宣读），确认无误。",
	},
	KindAgreement: {
		Kind:  KindAgreement,
		Title: "人民调解协议书",
		Body: `当事人基本情况见下表。
纠纷主要事实：{{纠纷事实}}
争议事项：{{争议事项}}
各方当事人的责任：{{各方责任}}
经{{调解组织}}主持调解，当事人自愿达成如下协议：{{协议内容}}
履行方式：{{履行方式}}；履行期限：{{履行期限}}。
本协议依照《中华人民共和国人民调解法》第二十九条，自各方当事人签名、盖章或者按指印，调解员签名并加盖调解委员会印章之日起生效，具有法律约束力，当事人应当按照约定履行。本协议一式三份，当事人各执一份，调解委员会留存一份。
当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。`,
		Closing: "",
	},
	KindConfirmation: {
		Kind:  KindConfirmation,
		Title: "司法确认申请书",
		Body: `{{法院}}：
申请人{{申请人}}于{{生效日期}}经{{调解组织}}主持调解，达成了调解协议（{{协议编号}}），协议内容：{{协议内容}}
现依照《中华人民共和国人民调解法》第三十三条及《中华人民共和国民事诉讼法》的有关规定，自调解协议生效之日起三十日内共同向你院申请司法确认。
申请人保证出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如因虚假调解协议致使他人合法权益受到损害的，愿意承担相应的法律责任。
附：调解协议书一份。`,
		Closing: "此致",
	},
}

// Default returns the embedded wording of kind k.
func Default(k Kind) Template { return Defaults[k] }
