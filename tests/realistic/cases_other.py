"""Cases that are not template reports: reports before 2019 (legacy, 政府信息公开情况统计表
with 指标名称/计量单位/历年累计) and documents that look like reports but are not (a notice on
compiling the reports, an infographic, a rule-of-law report, a statistics bulletin, a work
plan). Their gold has template and tables null; title, agency, year, kind and snippets count."""
from __future__ import annotations

from typing import Any

from tests.realistic.html import portal_page

Case = tuple[str, bytes, dict[str, Any]]
LEGACY_PARTS = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
                "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、政府信息公开工作存在的主要问题及改进情况",
                "七、其他需要报告的事项")


def _gold(title: str, agency: str | None, year: int, kind: str, ph: list[int], snippets: dict[str, list[str]]) -> dict[str, Any]:
    return {"title": title, "agency": agency, "year": year, "template": None, "kind": kind, "contact": {},
            "tables": None, "section_snippets": snippets, "phenomena": ph, "must_flag": []}


def _legacy_text(agency: str, year: int, n: int) -> tuple[str, dict[str, list[str]]]:
    overview = f"{year}年，在上级政府的正确领导下，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。"
    active = f"{year}年，{agency}共主动公开政府信息{n}条，其中通过政府网站公开{n - 12}条。"
    paras = {LEGACY_PARTS[0]: [overview], LEGACY_PARTS[1]: [active],
             LEGACY_PARTS[2]: [f"{year}年，共受理政府信息公开申请{n % 17}件，均已按时答复。"],
             LEGACY_PARTS[3]: ["本年度未收取政府信息公开相关费用。"],
             LEGACY_PARTS[4]: ["本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"],
             LEGACY_PARTS[5]: ["存在的主要问题是公开内容不够全面。下一步将进一步规范公开程序。"],
             LEGACY_PARTS[6]: ["无。"]}
    lines = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    for head, ps in paras.items():
        lines += [head, *ps, ""]
    lines += ["附表", "政府信息公开情况统计表", f"（{year}年度）", "统计指标\t计量单位\t本年数\t历年累计",
              "一、主动公开情况\t\t\t", f"（一）主动公开政府信息数\t条\t{n}\t{n * 6 + 17}",
              f"其中：主动公开规范性文件数\t条\t{n % 23 + 1}\t{n % 23 * 5 + 40}", "二、回应解读情况\t\t\t",
              f"（一）回应公众关注热点或重大舆情数\t次\t{n % 9 + 2}\t{n % 9 * 4 + 11}",
              f"三、依申请公开情况\t\t\t", f"（一）收到申请数\t件\t{n % 17}\t{n % 17 * 7 + 3}",
              "四、行政复议数量\t件\t0\t1", "五、行政诉讼数量\t件\t0\t0", ""]
    return "\n".join(lines), {"1": [overview.rstrip("。")[:40]], "2": [f"共主动公开政府信息{n}条"]}


def legacy() -> list[Case]:
    out = []
    for name, agency, year, n in (("p10_yuzhong_2015.txt", "兰州市榆中县人民政府", 2015, 1311),
                                  ("p10_guanghan_2016.txt", "广汉市教育局", 2016, 486),
                                  ("p10_tianshui_2017.txt", "天水市麦积区党川乡人民政府", 2017, 97),
                                  ("p10_gdst_2018.html", "广东省生态环境厅", 2018, 2604)):
        text, snippets = _legacy_text(agency, year, n)
        title = f"{agency}{year}年政府信息公开工作年度报告"
        body = text.encode() if name.endswith(".txt") else _as_page(title, agency, text)
        out.append((name, body, _gold(title, agency, year, "legacy", [10], snippets)))
    return out


def _as_page(title: str, agency: str, text: str) -> bytes:
    paras = []
    for line in text.split("\n"):
        if "\t" in line:
            paras.append("<table border=\"1\"><tr>" + "".join(f"<td>{c or '&nbsp;'}</td>" for c in line.split("\t")) + "</tr></table>")
        elif line:
            paras.append(f"<p>{line}</p>")
    return portal_page("\n".join(paras), title, {"ArticleTitle": title, "ContentSource": agency},
                       ["首页", "信息公开", "年度报告"], title, agency).encode("utf-8")


RELATED: list[tuple[str, str, str | None, int, str, list[str]]] = [
    ("p11_notice_hebei_2023.html", "河北省人民政府办公厅关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
     "河北省人民政府办公厅", 2023, "notice",
     ["各市（含定州、辛集市）人民政府，雄安新区管委会，省政府各部门：", "为做好2023年政府信息公开工作年度报告（以下简称年度报告）编制发布工作，现将有关事项通知如下。",
      "一、严格执行年度报告格式。各地各部门要严格按照《中华人民共和国政府信息公开工作年度报告格式》编制年度报告，"
      "认真核对“收到和处理政府信息公开申请情况”表格数据，确保勾稽关系正确。", "二、按时发布。年度报告应于2024年1月31日前向社会公布。",
      "河北省人民政府办公厅", "2023年12月20日"]),
    ("p11_notice_taiyuan_2022.txt", "太原市人民政府办公室关于做好2022年度政府信息公开工作年度报告编制发布工作的通知",
     "太原市人民政府办公室", 2022, "notice",
     ["各县（市、区）人民政府，市人民政府各委、局、办：", "一、报告内容。年度报告应包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
      "政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分。", "二、工作要求。请于2023年1月20日前报送年度报告电子版。"]),
    ("p11_tujie_xuhui_2023.html", "图解：徐汇区2023年政府信息公开工作年度报告", "徐汇区", 2023, "infographic",
     ["图解：徐汇区2023年政府信息公开工作年度报告", "[图片]", "主动公开政府信息12436条", "[图片]", "收到政府信息公开申请683件", "[图片]"]),
    ("p11_yitu_wuhou_2022.html", "一图读懂成都市武侯区人民政府2022年政府信息公开工作年度报告", "成都市武侯区人民政府", 2022,
     "infographic", ["[图片]", "一图读懂 | 2022年政府信息公开工作年度报告", "[图片]", "相关链接：成都市武侯区人民政府2022年政府信息公开工作年度报告"]),
    ("p11_fazhi_jinan_2023.txt", "济南市人民政府2023年法治政府建设年度报告", "济南市人民政府", 2023, "rule_of_law_report",
     ["2023年，济南市人民政府坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面推进法治政府建设。",
      "一、2023年推进法治政府建设的主要举措和成效", "（一）深化政务公开。全市主动公开政府信息8.6万条，办理政府信息公开申请1423件。",
      "二、2023年推进法治政府建设存在的不足和原因", "三、党政主要负责人履行推进法治建设第一责任人职责情况", "四、2024年推进法治政府建设的主要安排"]),
    ("p11_tongji_changsha_2023.html", "长沙县2023年国民经济和社会发展统计公报", "长沙县", 2023, "statistics_report",
     ["一、综合", "初步核算，全年地区生产总值2112.36亿元，比上年增长6.1%。", "二、农业", "全年粮食播种面积46.3万亩。",
      "注：本公报中数据均为初步统计数。", "长沙县统计局", "2024年3月28日"]),
    ("p11_tongjinianbao_yuzhong_2022.txt", "榆中县2022年统计年报", "榆中县", 2022, "statistics_report",
     ["榆中县统计局", "一、年报说明", "本年报数据来源于全县统计年报汇总，统计范围为规模以上工业企业、限额以上批发零售业企业。",
      "二、主要指标\t计量单位\t2022年\t比上年增长（%）", "地区生产总值\t亿元\t265.4\t4.2", "一般公共预算收入\t亿元\t12.31\t6.0"]),
    ("p11_yaodian_guiyang_2024.html", "贵阳市2024年政务公开工作要点", "贵阳市", 2024, "work_plan",
     ["为深入贯彻落实《中华人民共和国政府信息公开条例》和《2024年政务公开工作要点》，结合我市实际，制定本要点。",
      "一、围绕推动高质量发展，加强政策发布解读", "二、围绕服务保障民生，加强重点领域信息公开",
      "三、规范做好政府信息公开年度报告工作。各区（市、县）、市直各部门要按照规定时限发布2023年政府信息公开工作年度报告。",
      "四、加强组织保障"]),
]


def related() -> list[Case]:
    out = []
    for name, title, agency, year, kind, paras in RELATED:
        if name.endswith(".txt"):
            body = "\n\n".join([title, *paras]).encode("utf-8")
        else:
            inner = "\n".join(f"<p>{p}</p>" for p in paras)
            body = portal_page(inner, title, {"ArticleTitle": title, "ContentSource": agency or ""},
                               ["首页", "政务公开", "通知公告" if kind == "notice" else "政策解读"], title, agency).encode("utf-8")
        out.append((name, body, _gold(title, agency, year, kind, [11], {})))
    return out


def all_cases() -> list[Case]:
    return legacy() + related()
