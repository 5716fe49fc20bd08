#!/usr/bin/env python
"""Regenerate the example workbooks in ``examples/`` (deterministically).

    python scripts/build_examples.py            # writes examples/*.xlsx
    python scripts/build_examples.py -o DIR     # writes them into DIR instead

Two departments, laid out the way returned workbooks look (a merged title row, a
"单位：万元" line, the header, the data; a 填报说明 sheet first):

- 峨边彝族自治县公安局_2023.xlsx — the seed report (``/work/shared/seed``) as a filled
  template. Every number the seed states is carried exactly as stated, including its
  mistakes (the 208 row's 增减额/增减率, duplicated and inconsistent indicators). The
  seed has no 实际完成值/分值/得分 and no budget-execution table: those cells are
  illustrative and the workbook's 填报说明 says which cells they are.
- 示例县文化广播电视和旅游局_2023.xlsx — an invented, fully consistent department:
  every derived number (sums, 增减额, 增减率, 执行率, 得分, 自评得分) is computed here
  with Decimal and ROUND_HALF_UP, never typed.

Sheet names, header labels and 基本情况 field labels come from
``reconcile.template.definition``; nothing here re-types them.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell  # noqa: E402

from reconcile.numbers import HUNDRED, format_amount, round_half_up  # noqa: E402
from reconcile.template.definition import (  # noqa: E402
    BASIC_FIELDS,
    INSTRUCTIONS_SHEET,
    SHEET_BY_KEY,
    SheetDef,
)

EXAMPLES_DIR = ROOT / "examples"
SEED_FILE = "峨边彝族自治县公安局_2023.xlsx"
CLEAN_FILE = "示例县文化广播电视和旅游局_2023.xlsx"
# Fixed document properties so that two runs write the same workbook.
CREATED = _dt.datetime(2024, 3, 1, 9, 0, 0)

D = Decimal
ZERO = D(0)


def label(sheet_key: str, col_key: str) -> str:
    return SHEET_BY_KEY[sheet_key].column(col_key).label


def sheet_name(sheet_key: str) -> str:
    return SHEET_BY_KEY[sheet_key].name


def field_label(key: str) -> str:
    return next(f.label for f in BASIC_FIELDS if f.key == key)


# ---------------------------------------------------------------- arithmetic


def num(value: Decimal) -> str:
    """A number in running text: 90, 0.5, 9.52 (no trailing zeros)."""
    return format_amount(value)


def r2(value: Decimal) -> Decimal:
    return round_half_up(value, 2)


def change_rate(cur: Decimal, prev: Decimal) -> Decimal:
    """增减率 in percent points, rounded half-up to 2 dp."""
    return r2((cur - prev) / prev * HUNDRED)


def exec_rate(executed: Decimal, budget: Decimal) -> Decimal:
    return r2(executed / budget * HUNDRED)


def exec_score(executed: Decimal, budget: Decimal, weight: Decimal) -> Decimal:
    """预算执行得分 = min(执行率, 100%) × 分值 (domain.md §4.7), 2 dp half-up."""
    rate = min(executed / budget, D(1))
    return r2(rate * weight)


def indicator_score(nature: str, target: Decimal, actual: Decimal, weight: Decimal) -> Decimal:
    """得分 by domain.md §4.7 for a quantitative indicator."""
    if nature in ("≥", "="):
        if actual >= target:
            return weight
        return r2(max(actual, ZERO) / target * weight)
    if nature == "≤":
        if actual <= target:
            return weight
        if actual >= 2 * target:
            return ZERO
        return r2((1 - (actual - target) / target) * weight)
    raise ValueError(nature)


# ---------------------------------------------------------------- layout


@dataclass(frozen=True)
class Pct:
    """A percentage written as a fraction in a cell formatted 0.00% (95.18 → 0.9518)."""

    points: Decimal


@dataclass(frozen=True)
class Extra:
    """A column that is not part of the template (the reader must ignore it)."""

    label: str
    width: int = 6


@dataclass
class Table:
    key: str                                  # sheet key in the template definition
    title: str
    columns: list[str | Extra]
    rows: list[dict[str, Any]]
    unit_line: str | None = "单位：万元"
    group_keys: tuple[str, ...] = ()          # columns whose runs of equal values form groups
    group_style: str = "merge"                # "merge": merged cells; "first": only on the first row
    score_header: str | None = None           # two-row header: this label merged over 分值 and 得分
    total: dict[str, Any] | None = None       # a 合计 row under the table
    footer: list[str] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=dict)   # column widths other than the template's

    def width(self, sd: SheetDef, key: str) -> int:
        return self.widths.get(key, sd.column(key).width)


@dataclass
class Placed:
    """Where a table landed: data rows (0-based sheet rows) and columns (0-based)."""

    sheet: str
    first_row: int
    n_rows: int
    cols: dict[str, int]

    def ref(self, i: int, key: str) -> str:
        return xl_rowcol_to_cell(self.first_row + i, self.cols[key])

    def col_range(self, key: str, i0: int = 0, i1: int | None = None) -> str:
        i1 = self.n_rows - 1 if i1 is None else i1
        return f"{self.ref(i0, key)}:{self.ref(i1, key)}"


def display_width(text: str) -> int:
    """Width of a text in Excel column units: CJK and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(texts_and_widths: list[tuple[str, float]]) -> float:
    """A row height (points) that shows every wrapped text of the row in full."""
    lines = 1
    for text, width in texts_and_widths:
        usable = max(width * 1.1 - 1, 1)
        n = sum(max(1, -(-display_width(part) // int(usable))) for part in text.split("\n"))
        lines = max(lines, n)
    return min(409.0, max(15.0, 13.5 * lines))


class Book:
    """An xlsxwriter workbook with the formats of a returned template."""

    def __init__(self, path: Path, unit_name: str):
        self.path = path
        self.unit_name = unit_name
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        self.wb.set_properties({"title": path.stem, "author": "reconcile", "company": "", "created": CREATED})
        add = self.wb.add_format
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.f_title = add({**base, "bold": True, "font_size": 16, "align": "center"})
        self.f_sub = add({**base})
        self.f_sub_right = add({**base, "align": "right"})
        self.f_head = add({**base, "bold": True, "align": "center", "text_wrap": True, "border": 1, "bg_color": "#DDEBF7"})
        self.f_text = add({**base, "border": 1, "text_wrap": True})
        self.f_center = add({**base, "border": 1, "text_wrap": True, "align": "center"})
        self.f_amount = add({**base, "border": 1, "num_format": "#,##0.00"})
        self.f_rate = add({**base, "border": 1, "num_format": "0.00"})
        self.f_pct = add({**base, "border": 1, "num_format": "0.00%"})
        self.f_score = add({**base, "border": 1, "num_format": "0.00"})
        self.f_count = add({**base, "border": 1, "num_format": "0"})
        self.f_note = add({**base, "text_wrap": True})
        self.f_total = add({**base, "border": 1, "bold": True})
        self.f_total_num = add({**base, "border": 1, "bold": True, "num_format": "0.00"})
        self.wb.add_worksheet(INSTRUCTIONS_SHEET)  # first sheet, filled last

    def close(self) -> None:
        self.wb.close()

    # ---- cells

    def _fmt_for(self, kind: str):
        return {"amount": self.f_amount, "percent": self.f_rate, "score": self.f_score,
                "count": self.f_count, "code": self.f_center}.get(kind, self.f_text)

    def put(self, ws, r: int, c: int, value: Any, fmt) -> None:
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, Pct):
            ws.write_number(r, c, float(value.points / HUNDRED), self.f_pct)
        elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            ws.write_number(r, c, float(value), fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    # ---- sheets

    def title_block(self, ws, title: str, width: int, unit_line: str | None) -> int:
        """Merged title on row 1, "编制单位 … 单位：万元" on row 2; returns the next row."""
        ws.set_landscape()
        ws.set_paper(9)                 # A4
        ws.fit_to_pages(1, 0)           # one page wide, as long as it takes
        ws.set_row(0, 30)
        if width > 1:
            ws.merge_range(0, 0, 0, width - 1, title, self.f_title)
        else:
            ws.write_string(0, 0, title, self.f_title)
        ws.write_string(1, 0, f"编制单位：{self.unit_name}", self.f_sub)
        if unit_line:
            ws.write_string(1, width - 1, unit_line, self.f_sub_right)
        return 2

    def basic(self, title: str, values: dict[str, Any]) -> Placed:
        sd = SHEET_BY_KEY["basic"]
        ws = self.wb.add_worksheet(sd.name)
        for c, col in enumerate(sd.columns):
            ws.set_column(c, c, col.width)
        r = self.title_block(ws, title, len(sd.columns), None)
        for c, col in enumerate(sd.columns):
            ws.write_string(r, c, col.label, self.f_head)
        ws.freeze_panes(r + 1, 0)
        first = r + 1
        for i, f in enumerate(BASIC_FIELDS):
            ws.write_string(first + i, 0, f.label + ("*" if f.required else ""), self.f_text)
            value = values.get(f.key)
            self.put(ws, first + i, 1, value, self._fmt_for(f.kind) if f.kind != "count" else self.f_count)
            if isinstance(value, str):
                ws.set_row(first + i, row_height([(value, sd.columns[1].width)]))
        return Placed(sd.name, first, len(BASIC_FIELDS), {"item": 0, "content": 1})

    def table(self, t: Table) -> Placed:
        sd: SheetDef = SHEET_BY_KEY[t.key]
        ws = self.wb.add_worksheet(sd.name)
        cols: dict[str, int] = {}
        for c, col in enumerate(t.columns):
            if isinstance(col, Extra):
                ws.set_column(c, c, col.width)
            else:
                cols[col] = c
                ws.set_column(c, c, t.width(sd, col))
        width = len(t.columns)
        r = self.title_block(ws, t.title, width, t.unit_line)
        header_rows = 2 if t.score_header else 1
        scored = ("weight", "score")
        for c, col in enumerate(t.columns):
            text = col.label if isinstance(col, Extra) else sd.column(col).label
            if t.score_header and col in scored:
                ws.write_string(r + 1, c, text, self.f_head)
            elif header_rows == 2:
                ws.merge_range(r, c, r + 1, c, text, self.f_head)
            else:
                ws.write_string(r, c, text, self.f_head)
        if t.score_header:
            c0, c1 = sorted(cols[k] for k in scored)
            ws.merge_range(r, c0, r, c1, t.score_header, self.f_head)
        first = r + header_rows
        ws.freeze_panes(first, 0)
        ws.repeat_rows(r, first - 1)
        for i, row in enumerate(t.rows):
            for c, col in enumerate(t.columns):
                if isinstance(col, Extra):
                    self.put(ws, first + i, c, row.get(col.label), self.f_count)
                    continue
                if col in t.group_keys:
                    continue  # written by _groups
                kind = sd.column(col).kind
                self.put(ws, first + i, c, row.get(col), self._fmt_for(kind))
        for key in t.group_keys:
            self._groups(ws, t, key, cols[key], first)
        for i, row in enumerate(t.rows):
            texts = [(row[k], t.width(sd, k)) for k in cols if isinstance(row.get(k), str) and k not in t.group_keys]
            ws.set_row(first + i, row_height(texts))
        n = len(t.rows)
        if t.total is not None:
            tr = first + n
            for c, col in enumerate(t.columns):
                value = t.total.get(col) if not isinstance(col, Extra) else None
                fmt = self.f_total_num if isinstance(value, Decimal) else self.f_total
                self.put(ws, tr, c, value, fmt)
        foot = first + n + (1 if t.total is not None else 0) + 1
        for j, line in enumerate(t.footer):
            ws.merge_range(foot + j, 0, foot + j, width - 1, line, self.f_note)
        return Placed(sd.name, first, n, cols)

    def _groups(self, ws, t: Table, key: str, c: int, first: int) -> None:
        """Runs of equal values in a group column (一级/二级指标): merged, or shown only
        on the first row of the run. A run of a 二级 never crosses a change of 一级."""
        parent = t.group_keys[: t.group_keys.index(key)]
        i = 0
        while i < len(t.rows):
            j = i
            ident = tuple(t.rows[i].get(k) for k in (*parent, key))
            while j + 1 < len(t.rows) and tuple(t.rows[j + 1].get(k) for k in (*parent, key)) == ident:
                j += 1
            value = t.rows[i].get(key)
            if t.group_style == "merge" and j > i:
                ws.merge_range(first + i, c, first + j, c, value, self.f_center)
            else:
                self.put(ws, first + i, c, value, self.f_center)
                for k in range(i + 1, j + 1):
                    ws.write_blank(first + k, c, None, self.f_center)
            i = j + 1

    def instructions(self, title: str, lines: list[str]) -> None:
        ws = self.wb.get_worksheet_by_name(INSTRUCTIONS_SHEET)
        width = 120
        ws.set_column(0, 0, width)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_row(0, 30)
        ws.write_string(0, 0, title, self.f_title)
        for i, line in enumerate(lines, start=2):
            ws.write_string(i, 0, line, self.f_note)
            ws.set_row(i, row_height([(line, width)]))


def sheet_help_lines() -> list[str]:
    out = ["一、各工作表说明"]
    for key in ("basic", "income", "expenditure", "carryover", "budget", "indicators", "projects"):
        sd = SHEET_BY_KEY[key]
        out.append(f"【{sd.name}】{'（必填）' if sd.required else '（选填）'}{sd.help}")
    return out


# ================================================================ seed text (from the seed report)

SEED_FUNCTIONS = """\
县公安局是自治县人民政府主管全县公安保卫工作的主要职能部门，是全县公安保卫工作的领导和指挥机关，是人民民主专政的重要力量，是武装性质的国家治安行政力量和刑事司法力量，肩负着打击敌人、惩治犯罪、服务群众、维护国家安全和社会稳定的重要使命。
主要职责是：
(一) 负责贯彻执行党中央、国务院、省、市、县委、县政府以及上级公安机关有关公安工作的方针、政策、法规、规章；部署、领导、落实全县的公安保卫工作。
(二) 负责研究公安保卫工作出现的新情况，收集掌握情报信息，分析和预测情报信息和社会治安方面的重要情况，为县委、县政府及上级公安机关提供信息和对策。
(三) 负责组织领导全县公安队伍建设及民警的管理教育和公安宣传工作。按规定权限对干部进行监督，组织开展党风廉政建设，协助纪检监察部门查办民警违法违纪案件；对中心工作、重大部署的贯彻落实情况进行督察；维护民警合法权益，指导全县公安纪检监察和警务保障工作。
（四）负责收集邪教组织影响社会稳定、危害社会治安的情况并进行分析研判，依法打击邪教组织的违法犯罪活动等。
（五）负责预防、制止违法犯罪活动，侦查刑事犯罪活动，查处违法行为，维护社会治安秩序，制止危害社会治安秩序的行为，处置聚众闹事、骚乱事件和重大治安事件。
（六）组织拟定地方性公安规范性文件，加强公安执法规范化建设，开展行政诉讼、行政复议工作。
（七）负责依法开展全县社会治安的管理工作和户籍、居民身份证、边防和出入境管理工作。
（八）负责管理枪支弹药，管制刀具和易燃、易爆、剧毒、放射性等危险物品和法律法规规定的特种行业。
（九）承担依法指导和监督机关、社会团体、企业事业组织和重点建设工程的治安保卫工作，指导企事业单位保卫组织的建设和业务培训；指导保安、治安保卫委员会等群众性组织的治安防范工作。组织指导全县公安派出所建设；组织开展群防群治工作。
（十）负责公安预审、提请批准逮捕、移送审查起诉工作，负责全县看守所、行政拘留所、强制戒毒所的管理工作。
（十一）负责全县公安警卫工作。
（十二）负责维护全县交通安全和交通秩序，处理交通事故。
（十三）负责规划和组织全县公安装备建设和信息化建设，搞好公安后勤保障工作，监督管理计算机信息系统的安全保护工作，组织实施全县互联网安全监督管理，打击网络违法犯罪。
（十四）指导森林公安机关的业务工作。
（十五）指导武警峨边中队执行公安保卫任务和相关业务建设。
(十六) 承办县委、县政府和上级公安机关交办的其他工作事项。
(十七) 法律法规规定的其他职责。"""

SEED_TASKS = """\
2023 年是全面贯彻落实党的二十大精神开局之年，是峨边奋力建设民族地区中国式现代化先行区的起步之年。全县的公安工作的总体思路是：坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，持续深化四川公安“一三五七”发展战略和乐山公安“12345”工作思路，紧紧围绕市局“三大牵引”“六个体系”“八种能力”的要求，坚持大抓基层、大抓基础，以推进公安工作现代化为牵引，以开展“新篇”系列专项行动为抓手，围绕实现“治理效能提升、打防质效提升队伍战斗力提升”工作目标，着力实施大建设、大会战、大培训“三大工程”，全力推动社会治理从“控事稳局”向“深耕善治”有效转型，坚定实施峨边公安“11285”工作思路，积极探索民族地区基层公安机关中国式现代化的标准化模式，着力构建基层民警精神家园，做强省优，争创国优，努力以更高水平安全保障高质量发展，为奋力建设民族地区中国式现代化先行区创造安全稳定的政治社会环境。
一、强化思想政治建设
1. 坚决做到“两个维护”。始终把政治建警摆在首位，深入学习贯彻党的二十大精神，坚持用习近平新时代中国特色社会主义思想武装头脑，确保队伍始终拥护“两个确立”、做到“两个维护”。
2. 深化支部“两化”建设。建立落实党委成员党支部建设联系点制度，扎实开展党的主题教育，充分发挥党支部政治功能和组织功能，努力锻造最强信念、建设最强支部。制定细化党支部标准化规范化建设项目清单、责任清单和考核清单。
3. 强化对敌斗争。深入开展打击反党反体制重点人、网上非法组织、涉藏反分维稳等专项行动，依法加强重点境外非政府组织管理，精准打击渗透颠覆破坏活动。深挖打击整治“法轮功”“全能神”“门徒会”等邪教组织专项行动，严防发生滋扰破坏活动。强化高校、文化社科和新闻出版等意识形态领域阵地管控，严防形成现实危害。
4. 强化网上斗争。充分发挥“4.15”机制作用，严格落实“7×24”小时网上巡查巡控，集中开展打击“翻墙破网”专项工作，深入推进“护网”“净网”专项行动，抓好网络攻防实战演练，严防发生重大网络安全事件。
5. 强化反恐防暴。深化严打暴恐专项行动和“拔钉子、除隐患”专项工作，加强“十类人员”研判预警，扎实推进重大风险隐患、“失轨漏管”关注人员、涉恐案件线索三大“清零行动”，坚决守住不发生暴恐活动的底线。深入推进“断血”、断勾连专项行动，深化涉藏反分维稳斗争。
三、全力维护社会稳定大局
6. 全面整治各类治安乱点。加强警情数据监测和分析研判，及时打击整治突出治安问题和治安重点地区，严防形成治安乱点。完善“党政主导、公安牵头、部门配合、全民参与”严管机制，加强行业联动整治，及时堵塞管理漏洞。常态化梳理高发易发和群众反映强烈的突出治安问题，挂牌督办、限期整改。
7. 深入排查化解矛盾纠纷。坚持和发展新时代“枫桥经验”，紧盯患病就医、劳资债务、家庭邻里、婚恋纠纷等重点，深入开展矛盾纠纷排查化解，积极推动党委政府压实属地管理责任、源头稳控措施和多元化解机制，切实把矛盾纠纷化解在基层、处置在未萌。
8. 扎实抓好信访封稳。完善涉访维稳“八控”机制，加强重点维权群体稳控，严防发生赴省进京集访和规模性聚集事件。加强和改进公安信访工作，推动解决群众合理诉求。加强应急力量、预案、保障准备，高效应对处置突发情况。
四、全力推进平安中国示范县建设
9. 重拳严打黑恶势力犯罪。深入开展动态排查和“回头看”，坚决铲除欺压百姓、横行乡里、欺行霸市的黑恶势力。密切关注黑恶犯罪新动向，严厉打击“裸聊”敲诈、网络“套路贷”、舆情敲诈、恶意索赔等新型涉网黑恶犯罪，坚决铲除滋生土壤。
10. 重拳严打电诈骗财犯罪。深入开展大案攻坚，全链条打击刷单返利、虚假投资理财、虚假贷款、冒充客服等高发多发侵财犯罪，严厉打击提供信息支持、技术支撑、转账洗钱、组织偷渡等违法行为，坚决斩断犯罪关键链条。加强精准劝阻，建大建强反诈中心，全面提升预警拦截、紧急止付、快速冻结能力。大力持续推进防骗知识“五进”活动，深入精准开展宣传，切实提高识骗防骗能力。
11. 重拳严打严重暴力犯罪。快侦快破持枪、爆炸、放火、一杀多人、个人极端等有广泛社会影响的严重暴力犯罪案件。深化命案积案攻坚，力争取得突破性进展。严控命案发案，现行命案实现全破。重拳严打妨害国家边境犯罪和跨境犯罪活动，全力守护国家边境安全。
12. 重拳严打侵害弱势群体犯罪。高度重视侵犯妇女、儿童、老年人、残疾人、中小學生等弱势群体犯罪，突出“快、准、狠”，坚决依法打击不法分子。
13. 深入开展禁毒人民战争。强力开展“清源断流”行动，全力清剿毒品制贩网络。强化吸毒人员三清一收，常态化开展“毒驾”专项治理，全面加强行业、场所管理，深入开展“除根”行动，全力防范化解涉毒风险隐患。大力推动禁毒宣传教育，加快推进毒情监测预警体系建设，全面提升禁毒信息化建设水平，持续深化示范创建。
五、全面提升基层基础
14. 狠抓派出所建设。深入实施新一轮派出所工作三年行动计划，严格落实标准化建设30项重点任务。着力推进“两队一室”“所队合一”改革，加快形成两队互为协同、一室支撑两队的警务运行机制。持续推动派出所所长、社区民警进班子，全面加强城镇社区警务室规范化建设，配齐配强社区警务力量。建立完善派出所主防考评规则，推动主动警务、预防警务落实。
15. 狠抓社会治安防控体系建设。聚焦成都大运安保，加快公安检查站点建设，加强警种联勤和区域联动，建立健全查控警务协作机制。科学布建街面警务站，完善武装巡逻和动中备勤，发展壮大群防群治力量，营造见义勇为社会氛围，打造社会治理共同体。持续推进全县智慧平安小区、大数据分节点、视觉计算分中心、融合计算平台和感知源等项目建设，抓实“一标三实”基础信息采集维护，逐步构建“点线面圈”立体化防控网络。
16. 狠抓智慧公安建设。深入实施《科技兴警三年行动计划》，全力推动科技信息化基础设施建设。继续加强内外数据资源融合共享，强化基层技术创新，最大限度赋能基层实战。加快移动警务升级配备，加强移动警务融合应用系统建设。扎实开展全县公安政务服务提升攻坚行动，持续推进公安政务服务向派出所、社区延伸，为人民群众提供更加便捷贴心服务。
17. 狠抓法治公安建设。健全完善执法制度指引，不断提升执法行为程序化、标准化水平。严格执法监督，规范涉案财物管理，及时督导整改执法问题。进一步完善执法办案管理中心建设，强化“一站式”办案和管理服务。
18. 狠抓工作体系建设。健全完善工作运行规范，推动重点任务攻坚和工作高效运转。以完善“情指行”一体化运行机制为牵引，加快构建实战化、扁平化、一体化警务运行机制。积极撬动党政力量和手段，深化挂牌攻坚化解，加强风控能力建设，持续打造“三为三要三强”风险防控体系升级版。
六、筑牢安全生产防线
19. 着力清除交通安全风险。持续深化道路交通事故预防“减量控大”和“缓堵保畅”工作，全力推动生命防护工程建设，常态化开展“人、车、路”隐患排查整治，严查快处交通违法行为，严防发生重特大道路交通事故。
20. 着力护航乡村振兴。深入开展农村交通、消防、食品药品安全等领域风险隐患排查和专项治理，常态化推进农村地区疫情、“缉枪治爆”“森林防灭火”“护校安园”等专项行动，加强对危爆物品、新业态、矿山、基建等重点区域、高危行业的安全监管，督促落实源头防范措施。加强公务用枪安全监管，常态化排查整治安全隐患。严格执行监管安全规章制度，确保监所“安全零事故”。
21. 着力清除防疫转段风险。配合推进“乙类乙管”相关措施有序实施，指导加强医疗机构、养老院等重点场所安全保卫工作，依法打击囤积居奇、哄抬物价、制假售假、涉疫诈骗等违法犯罪，确保社会秩序稳定和疫情防控平稳转段。
七、锻造过硬公安队伍
22. 强化纪律作风建设。毫不动摇坚持“严”的主基调，以“零容忍”态度惩治违纪违规，坚决遏制“枪车酒赌毒密网”等多发性问题。压实从严管党治警责任，完善日常监督管理制度机制，常态化组织开展“三项体检”，加强队伍风险预测预警预防，推动队伍管理由“事后救治”向“事前预防”转变。
23. 深化警营文化建设。深入实施“文化育警、文化强警”战略，精心打造公安文化阵地，不断拓展党组织、群团组织的活动方式和载体，定期开展丰富多彩的公安文体活动。完善警察荣誉制度，积极落实党组织、工会关怀帮扶激励机制，加大对警属警宝、困难党员民警职工、离退休干部的关爱力度，不断增强民警职业荣誉感自豪感归属感。
24. 大力开展培训练兵。聚焦战斗力标准、立足实战化需求，大力开展政治轮训、基础培训和专业训练，提高职业素养和专业化水平。围绕建设学习型峨边公安，坚持用好“公安大讲堂”“警察夜校”和“比武对抗”等培训载体，全面营造“比学赶超”的浓厚氛围。不断健全完善培训机制，建大建强教官队伍，持续加强装备建设，组织精品课程研发，推动培训练兵提档升级。
25. 培养真抓实干工作作风。紧紧围绕部厅市局部署要求和县局党委目标任务，树立“实干成事”“实绩立身”“实效出彩”导向，层层抓落实、人人在落实，切实形成狠抓落实强执行、埋头苦干向前进的浓厚氛围和良好生态，坚决确保县委、县政府和县局党委决策部署落实落地、见到实效。
八、加强党的建设
26. 加强局党委班子建设。严格落实“第一议题”制度，健全完善习近平总书记重要指示批示督查督办、问责问效机制，严格执行《中国共产党政法工作条例》和重大事项请示报告制度。严格党内政治监督，落实双重组织生活制度，完善中心组学习制度，自觉强化政治责任、提高政治能力。完善班子成员联系派出所工作机制，定期深入基层联系指导，带动各级干部狠抓落实，帮助指导各地破解难题、推动发展。
27. 压实党风廉政建设主体责任。始终保持“两个永远在路上”的清醒坚定，一体化推进不敢腐、不能腐、不想腐，进一步巩固和发展反腐败斗争压倒性胜利成果。锲而不舍纠“四风”树新风，重拳治理形式主义、官僚主义，管好家属子女和身边工作人员。带头落实党的组织生活制度，开好局党委民主生活会，用好批评和自我批评武器，增强党内政治生活的政治性、时代性、原则性、战斗性。带头改进工作作风，加强调查研究，密切联系群众，自觉接受监督。"""

SEED_GOAL = '保障单位日常工作经费；完成 2023 年各项工作，负责规划和组织全县公安装备建设和信息化建设，搞好公安后勤保障工作，监督管理计算机信息系统的安全保护工作，组织实施全县互联网安全监督管理，打击网络违法犯罪；承担依法指导和监督机关、社会团体、企业事业组织和重点建设工程的治安保卫工作，指导企事业单位保卫组织的建设和业务培训；指导保安、治安保卫委员会等群众性组织的治安防范工作。组织指导全县公安派出所建设；组织开展群防群治工作；负责贯彻执行党中央、国务院、省、市、县委、县政府以及上级公安机关有关公安工作的方针、政策、法规、规章；部署、领导、落实全县的公安保卫工作。'
SEED_INDICATORS = [
    ('产出指标', '数量指标', [
        ('移动警务通', '99 台'),
        ('公安四级网', '12 条'),
        ('电子政务外网及互联网', '1 条'),
        ('党政网专线通信', '1 条'),
        ('北斗卫星定位卡流量', '8 张'),
        ('350M 模拟基站', '1 座'),
        ('公安局座机、宽带通讯', '50 座'),
        ('350M 数字基站铁塔', '4 座'),
        ('移动警务通', '99 台'),
        ('实验室装修、实验室基础设施配置、实验室设备配置', '1 项'),
        ('禁毒专职人员工资', '专职社工 7 人，每人每年 4.5 万元包干。'),
        ('办公经费', '全县三个社区戒毒社区康复工作站办公经费'),
        ('差旅费', '禁毒专职人员到省内各戒毒所接回强戒期满释放吸毒人员的工作费用'),
        ('缉毒执法', '公安机关查处、收戒、打击各类毒品违法犯罪。拟查处吸毒人员 100 人，强戒 50 人，破获'),
        ('禁毒宣传', '组织禁毒委各成员单位和公安机关派出所每月开展一次禁毒宣传“七进”活动。'),
        ('专项工作', '对全县交通行业开展毒驾治理，定期对客货运车辆驾驶员进行尿检、毛发检测工作'),
        ('禁毒装备', '禁毒缉毒大队侦查破案专业装备配备'),
        ('生活污水检测', '每月提取城市生活污水送检'),
        ('租赁天网点位', '100 个'),
        ('扩容视频结构化分析算力', '1 项'),
        ('扩容云存储管理平台', '1 项'),
        ('扩容视频接入管理平台', '1 项'),
        ('扩容中心管理平台', '1 项'),
        ('接入现有视频全结构化应用平台', '1 项'),
        ('公安专用传输网络和设备', '100 套'),
        ('电力传输线路及设备', '100 套'),
        ('接入省公安厅视觉计算中心节点', '1 项'),
        ('天网点位', '100'),
        ('治安卡口', '9'),
        ('人脸点位', '50'),
        ('应用平台', '1'),
        ('机房基础设施', '1'),
        ('人犯供养费', '45 人'),
        ('人犯异地羁押交通保障经费', '45 人'),
        ('人犯医疗及体检费', '200 人'),
        ('押解费', '300 场次'),
        ('每月平均羁押人数', '45 人'),
        ('人犯衣被费', '200 套'),
        ('人犯供养费', '45 人'),
        ('维护辖区实有人口', '138000 人'),
        ('流动人口管理', '12000 人'),
        ('“疫情”防控', '5000 人'),
        ('电诈精准预警', '5000 人'),
        ('校园安全', '30000 人'),
        ('户籍清理', '15000 人'),
        ('重点人员管控', '1500 人'),
        ('肇事肇祸精神病人管理', '500 人'),
        ('六进六边', '46000 人'),
        ('实有房屋', '50000 套'),
        ('扶贫帮扶乡', '1 个'),
        ('破获毒品刑事案件', '10'),
        ('印刷宣传禁毒资料、标识标牌', '40000'),
        ('购买尿检版', '10000'),
        ('毛发检测', '4.76 万人'),
        ('污水检测', '108 次'),
        ('查处吸毒人员、强戒', '分别 72 人、25 人'),
    ]),
    ('产出指标', '质量指标', [
        ('按照国家统一标准及乐山市局要求建设，建成后保障系统正常运行', '平台无故障，前端在线率 95%以上'),
        ('按照国家统一标准及省公安厅要求建设，建成后保障系统正常运行', '规范'),
        ('保障各监控点位及平台正常运行', '≥90%'),
        ('社戒社康管控报到工作', '社区戒毒社区康复人员报到执行率达到 90%以上。'),
        ('缉毒执法', '拟查处吸毒人员 100 人，强戒 50 人，破获毒品刑事案件 20 起，打击处理 22 人。'),
        ('毒品预防教育宣传', '开展禁毒宣传“七进”活动，覆盖全县各乡镇村组、社区、学校及车站'),
        ('禁毒宣传资料', '乡镇、学校全部设立禁毒宣传栏、公共场所禁毒标识标牌，印制禁毒宣传手册、资料三万份'),
        ('禁毒装备', '购买三合一尿液检测板 3000 个以上，毛发检测板 1000 个以上，按需要购置缉毒侦查破案专用'),
        ('生活污水检测', '购买专用污水提取设备一台，每季度污水检测送检和检测 4 次，全年 16 次。'),
        ('专项工作', '对全县交通行业开展毒驾治理，定期对客货运车辆驾驶员进行尿检、毛发检测工作，受检测'),
    ]),
    ('产出指标', '时效指标', [
        ('项目实施时间严格按照当年的预算执行', '1 年'),
    ]),
    ('产出指标', '成本指标', [
        ('46 台电信卡移动警务通、50 台移动警务通、3 台移动卡移动警务平板租赁费', '总计 25.248 万元'),
        ('12 条公安四级网租赁费费用（电信）', '总计 19.384 万元'),
        ('电子政务外网及互联网专线通讯费（电信）', '总计 1.98 万元'),
        ('党政网专线通信费（移动）', '总计 0.144 万元'),
        ('8 张北斗卫星定位卡流量费用（移动）', '总计 0.15 万元'),
        ('1 个 350M 模拟基站通讯费用', '总计 1.44 万元'),
        ('公安局座机、宽带费用（电信）', '总计 4.8 万元'),
        ('4 座 350M 数字基站铁塔租赁费', '总计 5.6 万元'),
        ('实验室装修、实验室基础设施配置、 实验室设备配置', '100000'),
        ('禁毒专职工作人员工资', '专职人员 7 人，每人每年 4.5 万元包干'),
        ('缉毒执法', '打击查处强戒每人需 2500 元左右'),
        ('禁毒宣传 76 次', '每次 500 元左右'),
        ('禁毒宣传印制', '3 万元'),
        ('生活污水检测 16 次', '每次 1500 元'),
        ('服务费', '支付租赁费 56.76 万元'),
        ('服务费每年 323.4060 万元', '支付 200 万元'),
        ('人犯供养', '每人每月 375 元（337500 元）'),
        ('医疗及体检', '年体检预计 375 元每人（283500 元）'),
        ('人犯衣被费', '每套 75 元（30000 元）'),
        ('核酸检测', '人均 260 元（30000 元）'),
        ('差旅费、燃油费', '219000 元'),
        ('维护辖区实有人口', '138000 元'),
        ('重点人员管控', '18000 元'),
        ('肇事肇祸精神病人管理', '10000 元'),
        ('电诈精准预警', '10000 元'),
        ('户籍清理', '12000 元'),
        ('实有房屋', '50000 元'),
        ('流动人口管理', '12000 元'),
        ('“疫情”防控', '5000 元'),
        ('六进六边', '25000 元'),
        ('校园安全', '20000 元'),
        ('对帮扶村的补助', '10 万元'),
        ('破获毒品刑事案件', '10 万元'),
        ('印刷宣传禁毒资料、标识标牌', '2 万元'),
        ('购买尿检版', '5 万元'),
        ('毛发检测', '1 万元'),
        ('污水检测', '8 万元'),
        ('查处吸毒人员、强戒', '3.52 万元'),
    ]),
    ('效益指标', '社会效益指标', [
        ('维护政治、政权、社会安全', '定性优良中低差'),
    ]),
    ('效益指标', '可持续影响指标', [
        ('长期巩固社会治安安全可控', '≥80%'),
    ]),
]


# ================================================================ the seed department

SEED_UNIT = "峨边彝族自治县公安局"
SEED_YEAR = 2023

SEED_PROJECT_CONTENT = """\
按照“统一规划、统一标准、统一平台、统一管理”的建设思路，建设内容目标包括以下几个方面：
1、对现有天网系统平台进行升级扩容建设，满足新建点位接入及开展相关大数据智能应用，新建高清视频监控点位 100 个；
2、建设人脸、车辆抓拍探测点位，弥补原有系统及功能、性能上的不足，新建治安卡口 6 个，改建治安卡口 3 个；
3、新建人脸识别监控 50 个，实现实时抓拍图片、人脸布控、预警记录、人脸查询等重要功能。
4、配套建设视频结构化平台系统、机房基础设施等。
5、建设模式采取购买服务的模式，按一点一链路为计费基准，按月支付服务费的方式实施，服务期 3 年。"""

# Illustrative scoring of the seed's indicator table (the seed gives none): 分值 per
# 二级 group (Σ = 90 with the 10 of 预算执行), and the rows that fell short, with the
# completion value and a deviation text. Every other row is met: 实际完成值 = 年度指标值.
SEED_WEIGHTS = {
    "数量指标": D("0.5"), "质量指标": D("1.5"), "时效指标": D(2), "成本指标": D("0.5"),
    "社会效益指标": D(13), "可持续影响指标": D(13),
}
# (二级, 三级) → (实际完成值 as written, target number, actual number, 偏差原因分析及改进措施)
SEED_UNMET: dict[tuple[str, str], tuple[str, Decimal, Decimal, str]] = {
    ("数量指标", "租赁天网点位"): ("86 个", D(100), D(86), "原租赁点位到期后续租 86 个，新建点位尚在建设中；下年按新建项目进度补足点位。"),
    ("数量指标", "押解费"): ("240 场次", D(300), D(240), "全年实际押解需求少于预期；下年根据案件情况据实编制预算。"),
    ("数量指标", "人犯医疗及体检费"): ("160 人", D(200), D(160), "实际收押人数少于预期，体检人数相应减少；下年据实测算。"),
    ("数量指标", "人犯衣被费"): ("160 套", D(200), D(160), "按实际收押人数配发，少于计划数；下年据实测算。"),
    ("数量指标", "流动人口管理"): ("9600 人", D(12000), D(9600), "流动人口登记覆盖不足；下年加强与乡镇、社区的信息共享。"),
    ("数量指标", "电诈精准预警"): ("2500 人", D(5000), D(2500), "预警对象以实际推送数为准，少于计划；下年优化预警模型。"),
    ("数量指标", "校园安全"): ("24000 人", D(30000), D(24000), "部分学校活动未覆盖全体师生；下年扩大宣传覆盖面。"),
    ("数量指标", "户籍清理"): ("7500 人", D(15000), D(7500), "户籍清理任务跨年度实施，本年完成一半；下年继续推进。"),
    ("数量指标", "重点人员管控"): ("900 人", D(1500), D(900), "在册重点人员少于年初预计；下年按实有人数设定目标。"),
    ("数量指标", "六进六边"): ("23000 人", D(46000), D(23000), "受活动场次限制，覆盖人数未达目标；下年增加活动场次。"),
    ("数量指标", "实有房屋"): ("40000 套", D(50000), D(40000), "偏远乡镇房屋信息采集未完成；下年继续采集。"),
    ("数量指标", "破获毒品刑事案件"): ("6", D(10), D(6), "本地毒品案件发案减少，破案数未达目标；下年加强情报研判和区域协作。"),
    ("数量指标", "印刷宣传禁毒资料、标识标牌"): ("32000", D(40000), D(32000), "按质量指标三万份的要求印制，数量目标设定偏高；下年统一目标值。"),
    ("数量指标", "购买尿检版"): ("3000", D(10000), D(3000), "按质量指标“3000 个以上”的要求采购，数量目标设定偏高；下年统一目标值。"),
    ("数量指标", "毛发检测"): ("2.38 万人", D("4.76"), D("2.38"), "毛发检测对象以在册吸毒人员及重点行业驾驶员为主，少于计划；下年据实设定。"),
    ("数量指标", "污水检测"): ("16 次", D(108), D(16), "按质量指标每季度 4 次、全年 16 次实施，数量目标设定偏高；下年统一目标值。"),
    ("质量指标", "按照国家统一标准及乐山市局要求建设，建成后保障系统正常运行"):
        ("平台无故障，前端在线率 76%", D(95), D(76), "部分前端点位线路老化、供电不稳定；下年加强运维巡检。"),
    ("质量指标", "保障各监控点位及平台正常运行"): ("81%", D(90), D(81), "部分点位受施工影响离线；下年督促运维单位限时修复。"),
    ("质量指标", "社戒社康管控报到工作"): ("社区戒毒社区康复人员报到执行率 72%", D(90), D(72), "部分人员外出务工未按时报到；下年加强与务工地协作管控。"),
    ("可持续影响指标", "长期巩固社会治安安全可控"): ("72%", D(80), D(72), "群众安全感测评低于目标；下年加强重点区域巡防和宣传。"),
}
SEED_QUALITATIVE_ACTUAL = {("社会效益指标", "维护政治、政权、社会安全"): "优"}


def seed_indicator_rows() -> list[dict[str, Any]]:
    rows = []
    used = set()
    for l1, l2, items in SEED_INDICATORS:
        weight = SEED_WEIGHTS[l2]
        names = [name for name, _ in items]
        for name, target in items:
            key = (l2, name)
            row = {"level1": l1, "level2": l2, "level3": name, "target": target, "weight": weight}
            if key in SEED_UNMET:
                assert names.count(name) == 1, key
                used.add(key)
                actual_text, t, a, why = SEED_UNMET[key]
                row.update(actual=actual_text, score=indicator_score("≥", t, a, weight), deviation=why)
            else:
                row.update(actual=SEED_QUALITATIVE_ACTUAL.get(key, target), score=weight)
            rows.append(row)
    assert used == set(SEED_UNMET), set(SEED_UNMET) - used
    return rows


def build_seed(out_dir: Path) -> Path:
    path = out_dir / SEED_FILE
    book = Book(path, SEED_UNIT)
    year, prev_year = SEED_YEAR, SEED_YEAR - 1

    indicators = seed_indicator_rows()
    ind_weight = sum(r["weight"] for r in indicators)
    ind_score = sum(r["score"] for r in indicators)
    budget_weight = D(10)
    budget_amount = D("6202.69")          # 2023 收入预算 = 支出 (seed 二、)
    budget_score = exec_score(budget_amount, budget_amount, budget_weight)
    self_score = D(95)                    # seed: 整体绩效自评得分为 95 分
    assert ind_weight + budget_weight == 100, ind_weight
    assert budget_score + ind_score == self_score, (budget_score, ind_score)

    basic = book.basic(f"{SEED_UNIT}{year}年度部门整体支出绩效自评基本情况表", {
        "unit_name": SEED_UNIT, "year": year, "amount_unit": "万元",
        "budget_units": 1, "admin_units": 1, "public_units": 0,
        "staff_quota": 157, "quota_admin": 152, "quota_worker": 5, "quota_public": 0,
        "staff_active": 145, "active_admin": 141, "active_worker": 4, "active_public": 0,
        "retired_early": 0, "retired": None,      # 退休人数 not stated in the seed
        "self_score": self_score,
        "functions": SEED_FUNCTIONS,
        "tasks": SEED_TASKS,
        "overall_goal": SEED_GOAL,
        "disclosure": "部门整体绩效自评情况和自行组织的评价情况均按财政要求及时向社会公开。",
        "rectification": "评价结果整改和应用结果反馈结合实际进行应用。",
        "problems": "内部控制制度建设的完整性需进一步完善。",
        "suggestions": "严格按照制度规定，建立完善好内部控制制度。",
    })

    # 收入: exactly as the seed states (二、(一)), signed 增减额/增减率.
    income_rows = SHEET_BY_KEY["income"].rows
    book.table(Table(
        key="income", title=f"{SEED_UNIT}{year}年度部门收入情况表",
        columns=["label", "cur", "prev", "delta", "rate", "note"],
        rows=[
            {"label": income_rows[0], "cur": D("6202.69"), "prev": D("6963.7"), "delta": D("-761.01"), "rate": D("-10.93")},
            {"label": income_rows[1], "cur": D("5716.49"), "prev": D("6764.54"), "delta": D("-1048.05"), "rate": D("-15.49")},
            {"label": income_rows[2], "cur": D("486.2"), "prev": D("199.16"), "delta": D("287.04"), "rate": D("144.13")},
        ],
    ))

    # 支出: the six 类 as stated, including the wrong 208 row (stated −10.32 / −2.08,
    # where 603.16 − 496.52 = +106.64, +21.48%) and 221 without any 上年 figure.
    expenditure = book.table(Table(
        key="expenditure", title=f"{SEED_UNIT}{year}年度部门支出情况表",
        columns=["code", "name", "cur", "prev", "delta", "rate", "basic", "project", "note"],
        rows=[
            {"name": SHEET_BY_KEY["expenditure"].rows[0], "cur": D("6202.69"), "prev": D("7885.44"), "delta": D("-1682.75"), "rate": D("-21.34")},
            {"code": "204", "name": "公共安全支出", "cur": D("4711.87"), "prev": D("6617.01"), "delta": D("-1905.14"), "rate": D("-28.79")},
            {"code": "208", "name": "社会保障和就业支出", "cur": D("603.16"), "prev": D("496.52"), "delta": D("-10.32"), "rate": D("-2.08")},
            {"code": "210", "name": "卫生健康支出", "cur": D("133.02"), "prev": D("93.31"), "delta": D("39.71"), "rate": D("42.56")},
            {"code": "212", "name": "城乡社区支出", "cur": D("486.2"), "prev": D("199.16"), "delta": D("287.04"), "rate": D("144.13")},
            {"code": "213", "name": "农林水支出", "cur": D("10"), "prev": D("224.94"), "delta": D("-214.94"), "rate": D("-95.55")},
            {"code": "221", "name": "住房保障支出", "cur": D("258.44")},
        ],
    ))

    # 结转结余: the one line the seed gives, in 元 (its own unit line).
    book.table(Table(
        key="carryover", title=f"{SEED_UNIT}{year}年度结转结余情况表", unit_line="单位：元",
        columns=["code", "name", "opening", "income", "expense", "closing", "note"],
        rows=[{"code": "2040201", "name": "行政运行", "closing": D("107335.48")}],
    ))

    # 预算执行: illustrative (the seed says only 收入预算 6202.69 and 执行进度 100%).
    b_rows = SHEET_BY_KEY["budget"].rows
    budget = book.table(Table(
        key="budget", title=f"{SEED_UNIT}{year}年度部门预算执行情况表",
        columns=["source", "initial", "full", "executed", "rate", "weight", "score", "note"],
        rows=[
            {"source": b_rows[0], "initial": budget_amount, "full": budget_amount, "executed": budget_amount,
             "rate": exec_rate(budget_amount, budget_amount), "weight": budget_weight, "score": budget_score},
            {"source": "其中：" + b_rows[1], "initial": budget_amount, "full": budget_amount, "executed": budget_amount,
             "rate": exec_rate(budget_amount, budget_amount), "weight": "/", "score": "/"},
            {"source": b_rows[2], "initial": ZERO, "full": ZERO, "executed": ZERO, "rate": "/", "weight": "/", "score": "/"},
            {"source": b_rows[3], "initial": ZERO, "full": ZERO, "executed": ZERO, "rate": "/", "weight": "/", "score": "/"},
        ],
    ))

    # 绩效指标: every row of the seed's table, 一级/二级 as merged cells.
    ind = book.table(Table(
        key="indicators", title=f"{SEED_UNIT}{year}年度部门整体支出绩效指标完成情况表", unit_line=None,
        columns=["level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "score", "deviation"],
        rows=indicators, group_keys=("level1", "level2"), group_style="merge",
        widths={"level3": 34, "target": 36, "actual": 30},
        total={"level1": "合计", "weight": ind_weight, "score": ind_score},
    ))

    projects = book.table(Table(
        key="projects", title=f"{SEED_UNIT}{year}年度 100 万元以上项目情况表",
        columns=["name", "budget", "executed", "rate", "content", "status"],
        rows=[{"name": "智能化社会治安防控体系建设", "content": SEED_PROJECT_CONTENT}], widths={"content": 70},
    ))

    e208 = 2  # row index of 208 in the 支出 table
    e221 = 6
    book.instructions(f"{SEED_UNIT}{year}年度部门整体支出绩效自评表 填报说明", [
        "本工作簿是 reconcile 的示例：依据《峨边彝族自治县公安局 2023 年度部门整体绩效自评报告》（下称“原报告”）"
        "按模板逐项填列。原报告中的数字、指标名称和指标值均按原文照录（包括原文的重复指标和前后不一致之处），"
        "仅去除了文字中的排版符号（加粗标记、分页断行）。",
        "",
        *sheet_help_lines(),
        "",
        "二、示意数据（原报告未载明，仅为演示核对功能而填写，不是原报告的数字）",
        f"1. 【{ind.sheet}】实际完成值 {ind.col_range('actual')}、分值 {ind.col_range('weight')}、"
        f"得分 {ind.col_range('score')}、偏差原因分析及改进措施 {ind.col_range('deviation')}，以及合计行："
        f"原报告的指标表只有年度指标值。每个三级指标的分值按所属二级指标取定（"
        f"{'、'.join(f'{k} {num(v)}' for k, v in SEED_WEIGHTS.items())}，合计 {num(ind_weight)} 分），未完成的 {len(SEED_UNMET)} 个指标按完成比例计分并填写偏差原因，"
        f"使指标得分合计 {num(ind_score)} 分、加预算执行得分 {num(budget_score)} 分等于原报告的自评得分 {num(self_score)} 分。",
        f"2. 【{budget.sheet}】全部数值 {budget.ref(0, 'initial')}:{budget.ref(budget.n_rows - 1, 'score')}："
        f"原报告只写明收入预算 6202.69 万元、执行进度 100%，年初预算数、全年预算数、全年执行数据此填列，分值 10、得分 {num(budget_score)}。",
        "",
        "三、原报告未载明而留空的单元格（不要用推算值补填）",
        f"1. 【{expenditure.sheet}】住房保障支出的上年数 {expenditure.ref(e221, 'prev')}、增减额 {expenditure.ref(e221, 'delta')}、"
        f"增减率 {expenditure.ref(e221, 'rate')}：原报告没有 2022 年住房保障支出。",
        f"2. 【{basic.sheet}】主管部门、退休人数；【结转结余】年初结转结余、本年收入、本年支出；"
        f"【{projects.sheet}】预算数、执行数、执行率、完成情况。",
        "",
        "四、原报告中已知的问题（照录，未更正，供核对功能演示）",
        f"1. 【{expenditure.sheet}】社会保障和就业支出增减额 {expenditure.ref(e208, 'delta')} 填 -10.32、增减率 {expenditure.ref(e208, 'rate')} "
        "填 -2.08：按本年数 603.16、上年数 496.52 应为增加 106.64 万元、增加 21.48%。",
        "2. 【结转结余】以元为单位填列（单位：元），其余各表为万元。",
        "3. 【绩效指标】移动警务通、人犯供养费等三级指标重复填列，缉毒执法、生活污水检测、禁毒装备、专项工作等指标在数量指标与质量指标中的指标值不一致；"
        "人犯供养、医疗及体检、人犯衣被费的单价 × 数量与括号内金额不符。",
    ])
    book.close()
    return path


# ================================================================ the consistent department

CLEAN_UNIT = "示例县文化广播电视和旅游局"
CLEAN_YEAR = 2023

# 支出 by 项: (code, name, 基本支出, 项目支出, 上年数, 说明). 款 and 类 rows are summed below.
CLEAN_ITEMS: list[tuple[str, str, Decimal, Decimal, Decimal, str | None]] = [
    ("2070101", "行政运行", D("412.36"), ZERO, D("398.75"), None),
    ("2070104", "图书馆", D("98.40"), D("58.40"), D("142.18"), None),
    ("2070108", "文化活动", ZERO, D("238.50"), D("205.30"), None),
    ("2070109", "群众文化", D("121.64"), D("64.60"), D("171.92"), None),
    ("2070199", "其他文化和旅游支出", ZERO, D("320.00"), D("120.00"),
     "本年新增全域旅游宣传推广及节庆活动项目 320 万元（县政府专题会议安排），较上年增幅较大。"),
    ("2080505", "机关事业单位基本养老保险缴费支出", D("78.56"), ZERO, D("75.12"), None),
    ("2080506", "机关事业单位职业年金缴费支出", D("31.42"), ZERO, D("30.05"), None),
    ("2101101", "行政单位医疗", D("18.36"), ZERO, D("17.64"), None),
    ("2101102", "事业单位医疗", D("24.18"), ZERO, D("23.05"), None),
    ("2210201", "住房公积金", D("58.90"), ZERO, D("56.48"), None),
]
CLEAN_GROUP_NAMES = {
    "207": "文化旅游体育与传媒支出", "20701": "文化和旅游",
    "208": "社会保障和就业支出", "20805": "行政事业单位养老支出",
    "210": "卫生健康支出", "21011": "行政事业单位医疗",
    "221": "住房保障支出", "22102": "住房改革支出",
}
# 收入 by source other than 一般公共预算财政拨款 (which balances 收入合计 = 支出合计):
# (source, 本年数, 上年数, 说明)
CLEAN_OTHER_INCOME = [
    ("事业收入", D("38.00"), D("35.00"), None),
    ("其他收入", D("22.00"), D("10.00"), "本年新增景区讲解、场馆培训等服务收入。"),
    ("上年结转", D("25.30"), D("15.00"), "上年结转的图书馆购书和文化惠民演出资金在本年安排使用。"),
]
# 结转结余 by 科目: (code, 年初结转结余). 本年支出 is the 项's 本年数; everything is used this year.
CLEAN_CARRYOVER = [("2070104", D("5.30")), ("2070108", D("20.00"))]
# 预算执行 其中 rows: (source, 年初预算数, 全年预算数, 全年执行数 or None = 一般公共预算财政拨款)
CLEAN_BUDGET = [
    ("财政拨款", D("1418.00"), D("1512.20"), None),
    ("上年结转", D("25.30"), D("25.30"), D("25.30")),
    ("其他资金", D("60.00"), D("65.00"), D("60.00")),
]
CLEAN_PROJECTS = [
    ("文化惠民演出活动", "2070108", D("245.00"),
     "组织文艺院团送戏下乡、节庆文艺演出和广场文化活动，全年计划演出 120 场。",
     "全年完成惠民演出 126 场，覆盖全县 14 个乡镇，观众约 8.6 万人次。"),
    ("全域旅游宣传推广及节庆活动", "2070199", D("330.00"),
     "在省内主要城市和新媒体平台开展旅游形象宣传，举办县级旅游节庆活动 2 场。",
     "完成线上线下宣传推广和 2 场节庆活动，旅游综合收入同比增长 9.2%。"),
]
# 绩效指标: (一级, 二级, 三级, 指标性质, 年度指标值, 度量单位, 实际完成值, 分值)
CLEAN_INDICATORS: list[tuple[str, str, str, str, Any, str, Any, Decimal]] = [
    ("产出指标", "数量指标", "开展文化惠民演出场次", "≥", 120, "场", 126, D(8)),
    ("产出指标", "数量指标", "公共图书馆新增藏书", "≥", 5000, "册", 5260, D(6)),
    ("产出指标", "数量指标", "乡镇综合文化站免费开放数", "=", 14, "个", 14, D(6)),
    ("产出指标", "数量指标", "举办群众文化培训班", "≥", 40, "期", 42, D(5)),
    ("产出指标", "质量指标", "公共文化设施开放达标率", "≥", 95, "%", 98, D(6)),
    ("产出指标", "质量指标", "文艺演出节目验收合格率", "=", 100, "%", 100, D(5)),
    ("产出指标", "时效指标", "项目按期完成率", "≥", 95, "%", 100, D(4)),
    ("产出指标", "成本指标", "文化惠民演出成本", "≤", 245, "万元", D("238.5"), D(5)),
    ("产出指标", "成本指标", "单场演出平均成本", "≤", 2, "万元/场", D("1.89"), D(5)),
    ("效益指标", "社会效益指标", "年度公共文化服务受益人次", "≥", 30, "万人次", D("32.6"), D(10)),
    ("效益指标", "社会效益指标", "乡村文化振兴示范村创建", "定性", "达成年度目标", None, "达成年度指标", D(8)),
    ("效益指标", "经济效益指标", "旅游综合收入增长率", "≥", 8, "%", D("9.2"), D(6)),
    ("效益指标", "可持续影响指标", "公共文化服务长效机制", "定性", "建立健全", None, "达成年度指标", D(6)),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90, "%", D("95.6"), D(10)),
]

CLEAN_FUNCTIONS = """\
贯彻执行党和国家关于文化、广播电视、旅游工作的方针政策和法律法规，拟订全县文化、广播电视和旅游发展规划并组织实施。
统筹推进全县公共文化服务体系建设，指导县图书馆、文化馆和乡镇综合文化站开展公共文化服务。
负责全县文化市场、旅游市场和广播电视行业的监督管理，组织开展旅游宣传推广和旅游节庆活动。
负责全县文物和非物质文化遗产保护利用工作，承办县委、县政府交办的其他事项。"""
CLEAN_TASKS = """\
1. 开展文化惠民演出 120 场以上，组织群众文化培训班 40 期以上。
2. 推进公共图书馆、文化馆总分馆制建设，新增藏书 5000 册以上，14 个乡镇综合文化站全部免费开放。
3. 开展全域旅游宣传推广，举办县级旅游节庆活动 2 场，推动旅游综合收入增长 8% 以上。"""
CLEAN_GOAL = "保障机关和所属事业单位正常运转，完成年度公共文化服务和旅游宣传推广任务，群众满意度达到 90% 以上。"


def _need_note(rate: Decimal | None, note: str | None, what: str) -> None:
    if rate is not None and abs(rate) >= 30:
        assert note, f"{what}: 增减率 {rate}% needs a 说明"


def clean_expenditure_rows() -> list[dict[str, Any]]:
    """项 rows as given, 款 and 类 rows summed from them, 支出合计 on top."""
    items = {code: (name, basic, project, prev, note) for code, name, basic, project, prev, note in CLEAN_ITEMS}

    def totals(prefix: str) -> tuple[Decimal, Decimal, Decimal]:
        parts = [v for code, v in items.items() if code.startswith(prefix)]
        return (sum((p[1] for p in parts), ZERO), sum((p[2] for p in parts), ZERO), sum((p[3] for p in parts), ZERO))

    def row(code: str | None, name: str, basic: Decimal, project: Decimal, prev: Decimal, note: str | None = None):
        cur = basic + project
        rate = change_rate(cur, prev)
        _need_note(rate, note, f"支出 {code} {name}")
        return {"code": int(code) if code else None, "name": name, "cur": cur, "prev": prev, "delta": cur - prev,
                "rate": rate, "basic": basic, "project": project, "note": note}

    rows = [row(None, SHEET_BY_KEY["expenditure"].rows[0], *totals(""))]
    for lei in sorted({c[:3] for c in items}):
        rows.append(row(lei, CLEAN_GROUP_NAMES[lei], *totals(lei)))
        for kuan in sorted({c[:5] for c in items if c.startswith(lei)}):
            rows.append(row(kuan, CLEAN_GROUP_NAMES[kuan], *totals(kuan)))
            for code in sorted(c for c in items if c.startswith(kuan)):
                name, basic, project, prev, note = items[code]
                rows.append(row(code, name, basic, project, prev, note))
    return rows


def clean_indicator_rows() -> list[dict[str, Any]]:
    rows = []
    for l1, l2, l3, nature, target, unit, actual, weight in CLEAN_INDICATORS:
        if nature == "定性":
            score = weight  # 达成年度指标: within the full band
        else:
            t, a = D(target), D(actual)
            score = indicator_score(nature, t, a, weight)
            assert score == weight, (l3, "target not met")
            if nature != "≤":
                assert a < t * D("1.3"), (l3, "over-achieved by 30% or more")
        rows.append({"level1": l1, "level2": l2, "level3": l3, "nature": nature, "target": target, "unit": unit,
                     "actual": actual, "weight": weight, "score": score})
    return rows


def build_clean(out_dir: Path) -> Path:
    path = out_dir / CLEAN_FILE
    book = Book(path, CLEAN_UNIT)
    year = CLEAN_YEAR

    exp_rows = clean_expenditure_rows()
    total = exp_rows[0]
    items = {code: (basic + project) for code, _, basic, project, _, _ in CLEAN_ITEMS}

    # 收入: 收入合计 = Σ sources = 支出合计 (both years).
    income_sources = SHEET_BY_KEY["income"].rows
    others = [(s, cur, prev, note) for s, cur, prev, note in CLEAN_OTHER_INCOME]
    assert all(s in income_sources for s, *_ in others)
    general_cur = total["cur"] - sum(c for _, c, _, _ in others)
    general_prev = total["prev"] - sum(p for _, _, p, _ in others)
    sources = [(income_sources[1], general_cur, general_prev, None), *others]
    income_rows = []
    for name, cur, prev, note in [(income_sources[0], total["cur"], total["prev"], None), *sources]:
        rate = change_rate(cur, prev)
        _need_note(rate, note, f"收入 {name}")
        income_rows.append({"label": name, "cur": cur, "prev": prev, "delta": cur - prev, "rate": rate, "note": note})
    assert sum(r["cur"] for r in income_rows[1:]) == income_rows[0]["cur"] == total["cur"]

    # 结转结余: 年末 = 年初 + 本年收入 − 本年支出; the 年初 total is the 上年结转 income.
    carry_rows = []
    names = {code: name for code, name, *_ in CLEAN_ITEMS}
    for code, opening in CLEAN_CARRYOVER:
        expense = items[code]
        income = expense - opening
        closing = opening + income - expense
        carry_rows.append({"code": code, "name": names[code], "opening": opening, "income": income,
                           "expense": expense, "closing": closing})
    carry_total = {k: sum((r[k] for r in carry_rows), ZERO) for k in ("opening", "income", "expense", "closing")}
    assert carry_total["opening"] == dict((s, c) for s, c, _, _ in CLEAN_OTHER_INCOME)["上年结转"]
    carry_rows.append({"name": "合计", **carry_total})

    # 预算执行: 年度资金总额 = Σ 其中; 全年执行数 = 支出合计; rates and score computed.
    weight = D(10)
    b_labels = SHEET_BY_KEY["budget"].rows
    subs = []
    for source, initial, full, executed in CLEAN_BUDGET:
        assert source in b_labels
        executed = general_cur if executed is None else executed
        rate = exec_rate(executed, full)
        assert rate >= 90, (source, rate)
        subs.append({"source": source, "initial": initial, "full": full, "executed": executed, "rate": Pct(rate)})
    b_total = {k: sum((r[k] for r in subs), ZERO) for k in ("initial", "full", "executed")}
    assert b_total["executed"] == total["cur"]
    b_rate = exec_rate(b_total["executed"], b_total["full"])
    b_score = exec_score(b_total["executed"], b_total["full"], weight)
    assert b_score == r2(min(b_rate, HUNDRED) / HUNDRED * weight)  # same from the rounded rate
    subs[0]["source"] = "其中：" + subs[0]["source"]
    budget_rows = [{"source": b_labels[0], **b_total, "rate": Pct(b_rate), "weight": weight, "score": b_score}, *subs]

    indicators = clean_indicator_rows()
    ind_weight = sum(r["weight"] for r in indicators)
    ind_score = sum(r["score"] for r in indicators)
    assert ind_weight + weight == 100
    self_score = b_score + ind_score

    projects = []
    for i, (name, code, budget, content, status) in enumerate(CLEAN_PROJECTS, start=1):
        executed = items[code]
        assert budget >= 100
        projects.append({"序号": i, "name": name, "budget": budget, "executed": executed,
                         "rate": exec_rate(executed, budget), "content": content, "status": status})

    book.basic(f"{CLEAN_UNIT}{year}年度部门整体支出绩效自评基本情况表", {
        "unit_name": CLEAN_UNIT, "year": year, "amount_unit": "万元", "supervisor": CLEAN_UNIT,
        "budget_units": 3, "admin_units": 1, "public_units": 2,
        "staff_quota": 18 + 2 + 28, "quota_admin": 18, "quota_worker": 2, "quota_public": 28,
        "staff_active": 17 + 2 + 26, "active_admin": 17, "active_worker": 2, "active_public": 26,
        "retired_early": 0, "retired": 21,
        "self_score": self_score,
        "functions": CLEAN_FUNCTIONS, "tasks": CLEAN_TASKS, "overall_goal": CLEAN_GOAL,
        "disclosure": "部门预决算和整体绩效自评结果已在县政府门户网站公开。",
        "rectification": "上年评价发现的问题已全部整改，评价结果用于本年预算安排。",
        "problems": "部分项目绩效目标设置偏保守，个别指标细化量化不足。",
        "suggestions": "结合上年完成情况科学设置绩效目标，提高指标的可衡量性。",
    })
    book.table(Table(key="income", title=f"{CLEAN_UNIT}{year}年度部门收入情况表",
                     columns=["label", "cur", "prev", "delta", "rate", "note"], rows=income_rows))
    book.table(Table(key="expenditure", title=f"{CLEAN_UNIT}{year}年度部门支出情况表",
                     columns=["code", "name", "cur", "prev", "delta", "rate", "basic", "project", "note"],
                     rows=exp_rows))
    book.table(Table(key="carryover", title=f"{CLEAN_UNIT}{year}年度结转结余情况表",
                     columns=["code", "name", "opening", "income", "expense", "closing", "note"], rows=carry_rows))
    book.table(Table(key="budget", title=f"{CLEAN_UNIT}{year}年度部门预算执行情况表",
                     columns=["source", "initial", "full", "executed", "rate", "weight", "score", "note"],
                     rows=budget_rows))
    book.table(Table(
        key="indicators", title=f"{CLEAN_UNIT}{year}年度部门整体支出绩效指标完成情况表", unit_line=None,
        columns=["level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "score", "deviation"],
        rows=indicators, group_keys=("level1", "level2"), group_style="first", score_header="评分",
        total={"level1": "合计", "weight": ind_weight, "score": ind_score},
        footer=[f"注：预算执行分值 {num(weight)} 分、得分 {num(b_score)} 分，见“{sheet_name('budget')}”表；自评总分 {num(self_score)} 分。"],
    ))
    book.table(Table(key="projects", title=f"{CLEAN_UNIT}{year}年度 100 万元以上项目情况表",
                     columns=[Extra("序号"), "name", "budget", "executed", "rate", "content", "status"], rows=projects))
    book.instructions(f"{CLEAN_UNIT}{year}年度部门整体支出绩效自评表 填报说明", [
        "本工作簿是 reconcile 的示例：一个虚构的、各项数字完全一致的部门。所有合计、增减额、增减率、执行率、得分均由"
        "scripts/build_examples.py 按四舍五入（保留两位小数）计算得出。",
        "",
        *sheet_help_lines(),
        "",
        "二、本例的版式：支出按类、款、项逐级填列并分基本支出、项目支出；执行率以百分比格式填写；"
        "绩效指标表的一级、二级指标只在每组首行填写，分值、得分位于合并的“评分”表头下；重点项目表带“序号”列。",
    ])
    book.close()
    return path


# ================================================================ entry point

BUILDERS = (build_seed, build_clean)


def build_all(out_dir: Path = EXAMPLES_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build(out_dir) for build in BUILDERS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=EXAMPLES_DIR, help="output folder (default: examples/)")
    args = parser.parse_args(argv)
    for path in build_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
