"""The official Chinese labels of tables 三 and 四 and of the codes (docs/tables.md, a contract)."""

from __future__ import annotations

import re

from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome, Party, Procedure
from domain.report_sections import TextSection, section_labels

APPLICANT_LABELS: dict[str, str] = {
    ApplicantType.NATURAL_PERSON: "自然人",
    ApplicantType.COMMERCIAL_ENTERPRISE: "商业企业",
    ApplicantType.RESEARCH_INSTITUTION: "科研机构",
    ApplicantType.SOCIAL_WELFARE_ORG: "社会公益组织",
    ApplicantType.LEGAL_SERVICE_ORG: "法律服务机构",
    ApplicantType.OTHER_ORG: "其他",
    "total": "总计",
}
ORG_GROUP_LABEL = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Row code -> (group label or "", sub-group label or "", the row's own label).
ROW_LABELS: dict[str, tuple[str, str, str]] = {
    "new": ("", "", "一、本年新收政府信息公开申请数量"),
    "carried_in": ("", "", "二、上年结转政府信息公开申请数量"),
    Outcome.DISCLOSED: ("三、本年度办理结果", "", "（一）予以公开"),
    Outcome.PARTIALLY_DISCLOSED: ("三、本年度办理结果", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Outcome.WITHHELD_STATE_SECRET: ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"),
    Outcome.WITHHELD_LAW_PROHIBITED: ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    Outcome.WITHHELD_SECURITY_STABILITY: ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"),
    Outcome.WITHHELD_THIRD_PARTY_RIGHTS: ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"),
    Outcome.WITHHELD_PROCESS_INFO: ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"),
    Outcome.WITHHELD_ADMINISTRATIVE_INQUIRY: ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"),
    Outcome.UNAVAILABLE_NOT_HELD: ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"),
    Outcome.REJECTED_PETITION_COMPLAINT: ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"),
    Outcome.REJECTED_REPEAT: ("三、本年度办理结果", "（五）不予处理", "2.重复申请"),
    Outcome.REJECTED_PUBLICATION: ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"),
    Outcome.REJECTED_EXCESSIVE: ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"),
    Outcome.REJECTED_CONFIRMATION: ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    Outcome.OTHER_NO_CORRECTION: (
        "三、本年度办理结果",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    Outcome.OTHER_FEE_UNPAID: (
        "三、本年度办理结果",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    Outcome.OTHER: ("三、本年度办理结果", "（六）其他处理", "3.其他"),
    "total_handled": ("三、本年度办理结果", "", "（七）总计"),
    "carried_out": ("", "", "四、结转下年度继续办理"),
}
OTHER_LABEL_2019 = "（六）其他处理"
RESULTS_GROUP_LABEL = ROW_LABELS["total_handled"][0]

# A month's table 三 speaks of the month (docs/tables.md): these rows and the results' group change their words,
# nothing else does.
MONTHLY_ROW_LABELS: dict[str, str] = {
    "new": "一、本月新收政府信息公开申请数量",
    "carried_in": "二、上月结转政府信息公开申请数量",
    "carried_out": "四、结转下月继续办理",
}
MONTHLY_RESULTS_GROUP_LABEL = "三、本月办理结果"

APPEAL_GROUP_LABELS: dict[str, str] = {
    AppealKind.RECONSIDERATION: "行政复议",
    AppealKind.LITIGATION_DIRECT: "未经复议直接起诉",
    AppealKind.LITIGATION_AFTER_RECONSIDERATION: "复议后起诉",
}
LITIGATION_LABEL = "行政诉讼"
APPEAL_COLUMN_LABELS: dict[str, str] = {
    AppealResult.UPHELD: "结果维持",
    AppealResult.CORRECTED: "结果纠正",
    AppealResult.OTHER: "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

CHANNEL_LABELS: dict[str, str] = {
    Channel.IN_PERSON: "当面提交",
    Channel.MAIL: "邮寄（签收）",
    Channel.ORDINARY_MAIL: "平信",
    Channel.ONLINE: "网上申请",
    Channel.FAX: "传真",
    Channel.EMAIL: "电子邮件",
    Channel.OTHER: "其他",
}
PARTY_LABELS: dict[str, str] = {Party.THIRD_PARTY: "第三方", Party.AGENCY: "其他机关"}
# A case's result in the 复议（诉讼）表: the words of table 四's columns.
RESULT_LABELS: dict[str, str] = {
    result: APPEAL_COLUMN_LABELS[result]
    for result in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER, "pending")
}

# What each event is called on a clerk's desk.
EVENT_LABELS: dict[str, str] = {
    "received": "收到申请",
    "registered": "报备",
    "classified": "更正申请人类别",
    "correction_requested": "补正通知",
    "correction_received": "收到补正",
    "consultation_started": "征求意见",
    "consultation_ended": "征求意见结束",
    "extended": "延期答复",
    "fee_notified": "收费通知",
    "fee_paid": "缴费",
    "answered": "答复",
    "withdrawn": "撤回",
    "corrected": "更正",
    "voided": "作废",
    "appealed": "复议/诉讼",
    "appeal_responded": "答复/答辩",
    "appeal_decided": "复议/诉讼结果",
    "reminder_sending": "发送提醒",
    "reminder_sent": "已发送提醒",
    "reminder_failed": "提醒发送失败",
    "agency_named": "机关名称",
    "monthly_filing_submitted": "报送月报",
    "filed_month_changed": "已报月份数据变动",
    "annual_report_published": "发布年报",
    "year_closed": "年度结账",
    "year_reopened": "重新打开年度",
    "proactive_figures_recorded": "主动公开数据",
    "report_text_recorded": "年报文字",
}


def step_label(name: str) -> str:
    """Return what a step is called on a clerk's desk (the event code when it has no name)."""
    return EVENT_LABELS.get(name, name)


def outcome_label(outcome: str) -> str:
    """Return the full official label of an outcome (group, sub-group and row)."""
    _, sub, own = ROW_LABELS[outcome]
    return f"{sub}{own}" if sub else own


def _own_words(label: str) -> str:
    """Return a row label without its numbering and note: "（二）部分公开（区分处理的…）" -> "部分公开"."""
    words = re.sub(r"^(（[一二三四五六七]）|\d+\.)", "", label)
    return re.sub(r"（[^）]*）$", "", words)


# The Chinese labels accepted in place of each fixed code (docs/command-line.md), by the line field that holds the code.
# 其他处理 is no code: in the 2021 format it heads three rows.
CODE_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "applicant_type": {code: (label,) for code, label in APPLICANT_LABELS.items() if code != "total"},
    "outcome": {code: tuple(dict.fromkeys((_own_words(ROW_LABELS[code][2]), ROW_LABELS[code][2]))) for code in Outcome},
    "channel": {**{code: (label,) for code, label in CHANNEL_LABELS.items()}, Channel.MAIL: ("邮寄", "邮寄（签收）")},
    "party": {code: (label,) for code, label in PARTY_LABELS.items()},
    "procedure": {Procedure.SIMPLIFIED: ("简易程序",)},
    "kind": {code: (label,) for code, label in APPEAL_GROUP_LABELS.items()},
    "result": {
        code: (APPEAL_COLUMN_LABELS[code], RESULT_LABELS[code])
        for code in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER)
    },
    # the annual report's sections the office writes: the number, the title in either format, or both
    "section": {
        section: tuple(label for label, named in section_labels().items() if named is section)
        for section in TextSection
    },
}
LABEL_CODES: dict[str, dict[str, str]] = {
    field: {label: str(code) for code, labels in by_code.items() for label in labels}
    for field, by_code in CODE_LABELS.items()
}


def code_of(field: str, value: str) -> str:
    """Return the code a field's value names: the code itself, or its Chinese label (unknown values unchanged)."""
    return LABEL_CODES[field].get(value.strip(), value)


def label_of(field: str, code: str) -> str:
    """Return the first Chinese label of a field's code."""
    return CODE_LABELS[field][code][0]
