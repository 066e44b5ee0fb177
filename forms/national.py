"""The two national templates (国办公开办函〔2019〕60号, 〔2021〕30号) as data, in one place.

Every reader of the forms derives from here: the mapper's row recognisers
(pipelines/template.py), the checks (pipelines/checks.py), the archive's Chinese labels,
the synthetic corpus and the renderers of test documents. A new template year, a new row
or a new label variant is a change in this file only.

Row patterns are regexes searched in a label with all white space removed; a table's
`match_order` tries the more specific rows first, so that "（三）不予公开 1.属于国家秘密" is
`withheld_state_secret`, not `granted`. A variant is a wording seen in real reports; its
row's patterns must recognise it (tests/test_forms.py).
"""
from __future__ import annotations

from forms.model import BOTH, Column, Identity, Row, Table, Template

# The six parts of a report, as the 2021 form heads them.
PARTS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")

ONLY_2019, ONLY_2021 = ("2019",), ("2021",)

ACTIVE_DISCLOSURE = Table(
    key="active_disclosure",
    title="二、主动公开政府信息情况",
    rows=(
        Row("rules", "规章", (r"规章",)),
        Row("normative_documents", "规范性文件", (r"规范性文件",), variants=("行政规范性文件",)),
        Row("licensing", "行政许可", (r"行政许可",)),
        Row("other_services", "其他对外管理服务事项", (r"其他对外管理服务", r"对外管理服务"),
            templates=ONLY_2019),
        Row("punishment", "行政处罚", (r"行政处罚",)),
        Row("coercion", "行政强制", (r"行政强制",)),
        Row("fees", "行政事业性收费", (r"行政事业性收费", r"事业性收费")),
        Row("procurement", "政府集中采购", (r"集中采购", r"政府采购"), templates=ONLY_2019),
    ),
    columns=(
        Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"), Column("made", "本年新制作数量"),
        Column("published", "本年新公开数量"), Column("total_published", "对外公开总数量"),
        Column("previous", "上一年项目数量", "项"), Column("change", "本年增/减", "项"),
        Column("decisions", "处理决定数量"), Column("amount", "金额（万元）", "万元"),
        Column("count", "采购项目数量", "项"),
    ),
    match_order=("normative_documents", "rules", "other_services", "licensing", "punishment",
                 "coercion", "fees", "procurement"),
)

_WITHHELD, _UNAVAILABLE, _DECLINED, _OTHER = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"
RESULTS = "三、本年度办理结果"
_NO_LONGER = "、行政机关不再处理其政府信息公开申请"


def _result(key: str, label: str, patterns: tuple[str, ...], group: str = "", short: str = "",
            variants: tuple[str, ...] = (), templates: tuple[str, ...] = BOTH) -> Row:
    """A row of the block 三、本年度办理结果."""
    return Row(key, label, patterns, group=group, short=short, variants=variants,
               templates=templates, section=RESULTS)


APPLICATIONS = Table(
    key="applications",
    title="三、收到和处理政府信息公开申请情况",
    rows=(
        Row("new_received", "一、本年新收政府信息公开申请数量", (r"新收", r"本年收到"),
            variants=("一、本年收到政府信息公开申请数量",)),
        Row("carried_over", "二、上年结转政府信息公开申请数量", (r"上年结转", r"上年度结转"),
            variants=("二、上年度结转政府信息公开申请数量",)),
        _result("granted", "（一）予以公开", (r"(?<!不)予以公开", r"^[(（]?一[)）]?予以")),
        _result("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                (r"部分公开",), short="（二）部分公开"),
        _result("withheld_state_secret", "1.属于国家秘密", (r"国家秘密",), _WITHHELD),
        _result("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开",
                (r"禁止公开", r"法律行政法规禁止", r"其他法律法规"), _WITHHELD),
        _result("withheld_security_stability", "3.危及“三安全一稳定”", (r"三安全", r"一稳定", r"危及"),
                _WITHHELD),
        _result("withheld_third_party_rights", "4.保护第三方合法权益", (r"第三方",), _WITHHELD),
        _result("withheld_internal_affairs", "5.属于三类内部事务信息", (r"内部事务",), _WITHHELD),
        _result("withheld_process_information", "6.属于四类过程性信息", (r"过程性",), _WITHHELD),
        _result("withheld_enforcement_files", "7.属于行政执法案卷", (r"执法案卷",), _WITHHELD),
        _result("withheld_query_matters", "8.属于行政查询事项", (r"查询事项",), _WITHHELD),
        _result("unavailable_not_held", "1.本机关不掌握相关政府信息", (r"不掌握",), _UNAVAILABLE),
        _result("unavailable_needs_creation", "2.没有现成信息需要另行制作", (r"另行制作", r"没有现成"),
                _UNAVAILABLE),
        _result("unavailable_unclear", "3.补正后申请内容仍不明确", (r"仍不明确", r"补正后"), _UNAVAILABLE),
        _result("declined_petition", "1.信访举报投诉类申请", (r"信访", r"举报投诉"), _DECLINED),
        _result("declined_repeated", "2.重复申请", (r"重复申请",), _DECLINED),
        _result("declined_publication", "3.要求提供公开出版物", (r"出版物",), _DECLINED),
        _result("declined_excessive", "4.无正当理由大量反复申请", (r"大量反复", r"反复申请"), _DECLINED),
        _result("declined_confirmation", "5.要求行政机关确认或重新出具已获取信息",
                (r"重新出具", r"确认或重新", r"已获取信息", r"以获取信息"), _DECLINED,
                variants=("5.要求行政机关确认或重新出具以获取信息",)),
        _result("other_processing", "（六）其他处理", (r"其他处理",), templates=ONLY_2019),
        _result("other_no_correction", f"1.申请人无正当理由逾期不补正{_NO_LONGER}",
                (r"不补正", r"逾期不补"), _OTHER, short="1.申请人无正当理由逾期不补正",
                templates=ONLY_2021),
        _result("other_unpaid_fee", f"2.申请人逾期未按收费通知要求缴纳费用{_NO_LONGER}",
                (r"缴纳费用", r"收费通知"), _OTHER, short="2.申请人逾期未按收费通知要求缴纳费用",
                templates=ONLY_2021),
        _result("other_misc", "3.其他", (r"(?<!\d)3[.．、]?其他$",), _OTHER, templates=ONLY_2021),
        _result("total_processed", "（七）总计", (r"总计", r"合计"), variants=("（七）合计",)),
        Row("carried_forward", "四、结转下年度继续办理", (r"结转下年", r"下年度继续", r"继续办理")),
    ),
    columns=(
        Column("natural_person", "自然人"),
        *(Column(key, header, group="法人或其他组织") for key, header in (
            ("commercial_enterprise", "商业企业"), ("research_institution", "科研机构"),
            ("social_welfare_org", "社会公益组织"), ("legal_service_org", "法律服务机构"),
            ("other_org", "其他"))),
        Column("total", "总计"),
    ),
    match_order=(
        "carried_forward", "carried_over", "new_received", "withheld_state_secret",
        "withheld_prohibited_by_law", "withheld_security_stability", "withheld_third_party_rights",
        "withheld_internal_affairs", "withheld_process_information", "withheld_enforcement_files",
        "withheld_query_matters", "unavailable_not_held", "unavailable_needs_creation",
        "unavailable_unclear", "declined_petition", "declined_repeated", "declined_publication",
        "declined_excessive", "declined_confirmation", "other_no_correction", "other_unpaid_fee",
        "other_misc", "other_processing", "total_processed", "partially_granted", "granted",
    ),
)

REVIEW_LITIGATION = Table(
    key="review_litigation",
    title="四、行政复议、行政诉讼情况",
    rows=(
        Row("review", "行政复议", (r"行政复议",)),
        Row("litigation_direct", "未经复议直接起诉", (r"未经复议", r"直接起诉"), group="行政诉讼"),
        Row("litigation_after_review", "复议后起诉", (r"复议后起诉",), group="行政诉讼"),
    ),
    columns=(Column("upheld", "结果维持"), Column("corrected", "结果纠正"), Column("other", "其他结果"),
             Column("pending", "尚未审结"), Column("total", "总计")),
    match_order=("litigation_after_review", "litigation_direct", "review"),
    joiner="：",
)

TABLES = {t.key: t for t in (ACTIVE_DISCLOSURE, APPLICATIONS, REVIEW_LITIGATION)}

_DOCS_2019 = ("made", "published", "total_published")
_ITEMS_2019 = ("previous", "change", "decisions")
_DOCS_2021 = ("issued", "repealed", "in_force")

TEMPLATES = {
    "2019": Template(
        key="2019", issued_by="国办公开办函〔2019〕60号", first_year=2019,
        header_marks=(r"本年新制作", r"本年新公开", r"对外公开总数"),
        row_marks=(r"上一年项目数量", r"政府集中采购"),
        active_columns={"rules": _DOCS_2019, "normative_documents": _DOCS_2019,
                        "licensing": _ITEMS_2019, "other_services": _ITEMS_2019,
                        "punishment": _ITEMS_2019, "coercion": _ITEMS_2019,
                        "fees": ("previous", "change"), "procurement": ("count", "amount")},
        headers={"amount": "采购总金额"},
    ),
    "2021": Template(
        key="2021", issued_by="国办公开办函〔2021〕30号", first_year=2021,
        header_marks=(r"本年制发", r"本年废止", r"现行有效"),
        row_marks=(r"不补正", r"缴纳费用"),
        active_columns={"rules": _DOCS_2021, "normative_documents": _DOCS_2021,
                        "licensing": ("decisions",), "punishment": ("decisions",),
                        "coercion": ("decisions",), "fees": ("amount",)},
        row_labels={"normative_documents": "行政规范性文件"},
        headers={"decisions": "本年处理决定数量", "amount": "本年收费金额（万元）"},
    ),
}

_APPLICANTS = APPLICATIONS.column_keys()[:-1]
IDENTITIES = (
    Identity("applications.balance", "applications", "columns",
             ("new_received", "carried_over"), ("total_processed", "carried_forward")),
    Identity("applications.results", "applications", "columns",
             tuple(r.key for r in APPLICATIONS.rows if r.section == RESULTS and r.key != "total_processed"),
             ("total_processed",)),
    Identity("applications.row_total", "applications", "rows", _APPLICANTS, ("total",)),
    Identity("review_litigation.total", "review_litigation", "rows",
             REVIEW_LITIGATION.column_keys()[:-1], ("total",)),
)


def row_label(template: str, table: str, key: str) -> str:
    """A row's label as `template`'s form prints it."""
    return TEMPLATES[template].row_labels.get(key) or TABLES[table].row(key).label


def header(template: str, table: str, key: str) -> str:
    """A column's header as `template`'s form prints it."""
    return TEMPLATES[template].headers.get(key) or next(
        c.header for c in TABLES[table].columns if c.key == key)


def template_for_year(year: int) -> str | None:
    """The template in force for reports on `year` (None before the first)."""
    fitting = [t for t in TEMPLATES.values() if t.first_year <= year]
    return max(fitting, key=lambda t: t.first_year).key if fitting else None
