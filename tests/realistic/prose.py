"""The words of a realistic report: the bodies (levels 省/市/县 departments, 街道, 乡, 开发区),
the 《条例》 preamble with its contact line, the six parts' prose, and the phrases of that
prose that the gold requires in each part (section_snippets)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

# (body as its own title names it, level, short name used in the prose, e-mail)
AGENCIES: list[tuple[str, str, str, str]] = [
    ("上海市人民政府办公厅", "省", "市政府办公厅", "zwgk@shanghai.gov.cn"),
    ("上海市徐汇区教育局", "县", "区教育局", "xhjyj_gk@126.com"),
    ("浙江省自然资源厅", "省", "省自然资源厅", "zrzyt_xxgk@zj.gov.cn"),
    ("苏州市吴中区城南街道办事处", "乡", "城南街道", "wzcnjd@163.com"),
    ("成都市武侯区人民政府", "县", "区政府", "whqzwgk@163.com"),
    ("深圳市福田区福田街道办事处", "乡", "福田街道", "ftjdb@szft.gov.cn"),
    ("长沙县黄兴镇人民政府", "乡", "黄兴镇", "hxzzf2016@163.com"),
    ("郑州经济技术开发区管理委员会", "县", "经开区管委会", "zjqgwh@zz.gov.cn"),
    ("天水市麦积区党川乡人民政府", "乡", "党川乡", "dcxrmzf@126.com"),
    ("济南市市场监督管理局", "市", "市市场监管局", "jnscjg_xxgk@jn.gov.cn"),
    ("凯里市大风洞镇人民政府", "乡", "大风洞镇", "dfdzzf@163.com"),
    ("昆明市官渡区财政局", "县", "区财政局", "gdczj@km.gov.cn"),
    ("中卫市沙坡头区住房和城乡建设局", "县", "区住建局", "sptzjj@163.com"),
    ("哈尔滨市香坊区人民政府", "县", "区政府", "xfqzwgk@126.com"),
    ("合肥高新技术产业开发区管理委员会", "县", "高新区管委会", "gxqzwgk@hefei.gov.cn"),
    ("石家庄市长安区建北街道办事处", "乡", "建北街道", "jbjdbsc@163.com"),
    ("南昌县武阳镇人民政府", "乡", "武阳镇", "wyzdzb@163.com"),
    ("长春市朝阳区永昌街道办事处", "乡", "永昌街道", "ycjd_cy@163.com"),
    ("乌鲁木齐市水磨沟区人民政府", "县", "区政府", "smgqzfb@126.com"),
    ("厦门市思明区卫生健康局", "县", "区卫健局", "smwjj@xmsm.gov.cn"),
    ("太原市小店区刘家堡乡人民政府", "乡", "刘家堡乡", "ljbxzf@163.com"),
    ("鄂尔多斯市东胜区交通运输局", "县", "区交通运输局", "dsjtj@ordos.gov.cn"),
    ("南宁市青秀区民政局", "县", "区民政局", "qxqmzj@163.com"),
    ("武汉市江汉区城市管理执法委员会", "县", "区城管委", "jhcgw@whjh.gov.cn"),
    ("西安市雁塔区应急管理局", "县", "区应急管理局", "ytqyjj@163.com"),
    ("重庆市渝北区发展和改革委员会", "县", "区发展改革委", "ybfgw@cqyb.gov.cn"),
    ("北京市海淀区司法局", "县", "区司法局", "hdsfj_gk@bjhd.gov.cn"),
    ("广东省生态环境厅", "省", "省生态环境厅", "gdsthjt@gd.gov.cn"),
    ("江门市新会区会城街道办事处", "乡", "会城街道", "hcjdb@xinhui.gov.cn"),
    ("兰州市城关区人民政府", "县", "区政府", "cgqzfb@lzcg.gov.cn"),
    ("贵阳市交通委员会", "市", "市交通委", "gysjtw@guiyang.gov.cn"),
    ("洛阳市涧西区重庆路街道办事处", "乡", "重庆路街道", "cqljd@163.com"),
    ("黔西市林泉镇人民政府", "乡", "林泉镇", "lqzzf@163.com"),
    ("青岛市黄岛区人力资源和社会保障局", "县", "区人社局", "hdrsj@qd.gov.cn"),
    ("包头稀土高新技术产业开发区管理委员会", "县", "稀土高新区", "xtgxq@baotou.gov.cn"),
    ("绵阳市游仙区魏城镇人民政府", "乡", "魏城镇", "wczrmzf@163.com"),
]

PARTS_2019 = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


@dataclass
class Prose:
    preamble: list[str]
    parts: dict[str, list[str]]  # "1".."6" -> paragraphs (tables go after those of 2, 3, 4)
    snippets: dict[str, list[str]] = field(default_factory=dict)


def preamble(agency: str, year: int, email: str, rng: random.Random) -> str:
    phone = f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
            f"关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求，由{agency}编制。本报告中所列数据的统计期限"
            f"自{year}年1月1日起至{year}年12月31日止。如对本报告有任何疑问，请与{agency}办公室联系（地址：{agency}"
            f"{rng.randint(101, 612)}室；邮编：{rng.randint(100000, 860000)}；电话：{phone}；电子邮箱：{email}）。")


def make_prose(agency: str, short: str, year: int, email: str, rng: random.Random, numbered: bool = False) -> Prose:
    """The six parts' paragraphs; `numbered` writes part 五's points as lines 一是/二是/三是."""
    n, k, m = rng.randint(120, 4800), rng.randint(5, 90), rng.randint(2, 30)
    meet, train = rng.randint(2, 9), rng.randint(1, 6)
    p1 = [f"{year}年，{short}深入贯彻落实《条例》，紧紧围绕中心工作，持续深化政务公开，切实保障人民群众的知情权、参与权、表达权和监督权。",
          f"（一）主动公开。全年通过门户网站主动公开政府信息{n}条，发布政策解读{k}篇，及时回应社会关切。",
          f"（二）依申请公开。严格按照法定时限答复申请人，规范答复文书格式，全年未发生超期答复情况。",
          f"（三）政府信息管理。召开专题会议{meet}次，对拟公开信息逐条开展保密审查，动态更新政府信息公开指南和目录。",
          f"（四）平台建设。优化政府信息公开专栏，整合栏目{m}个，提升信息检索便利度。",
          f"（五）监督保障。组织政务公开业务培训{train}次，将政务公开纳入年度绩效考核。"]
    weak = rng.choice(("政策解读形式较为单一", "信息发布的及时性有待提高", "基层政务公开标准化建设有待深化"))
    weak2 = rng.choice(("工作人员业务水平参差不齐", "公开内容与群众需求结合不够紧密", "依申请公开答复规范性仍需加强"))
    fix = rng.choice(("持续加大政策解读力度，多采用图解、视频等方式", "健全信息发布协调机制，压实各科室公开责任"))
    fix2 = rng.choice(("定期开展业务培训，提升工作人员履职能力", "畅通意见建议渠道，精准对接公众信息需求"))
    if numbered:
        p5 = [f"{year}年，{short}政府信息公开工作取得一定成效，但仍存在一些不足：", f"一是{weak}；",
              f"二是{weak2}。", f"{year + 1}年，我们将重点做好以下工作：", f"一是{fix}；", f"二是{fix2}。"]
    else:
        p5 = [f"{year}年，{short}政府信息公开工作仍存在一些问题，主要是{weak}、{weak2}。",
              f"下一步，我们将{fix}；同时{fix2}，不断提升政务公开工作质量。"]
    fee = rng.choice(("本年度未收取信息处理费。", f"{year}年，{short}未收取政府信息公开信息处理费。"))
    p6 = [fee, f"本年度{short}办理人大代表建议{rng.randint(1, 40)}件、政协提案{rng.randint(1, 40)}件，均已按时办结并公开答复。"]
    snippets = {"1": [f"主动公开政府信息{n}条", f"召开专题会议{meet}次"], "5": [weak, fix2], "6": [fee.rstrip("。")]}
    if numbered:
        snippets["5"] = [f"二是{weak2}", f"二是{fix2}"]
    return Prose([preamble(agency, year, email, rng)], {"1": p1, "2": [], "3": [], "4": [], "5": p5, "6": p6}, snippets)
