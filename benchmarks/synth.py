"""Synthetic filled templates for the benchmark (and for tests that need realistic batches).

Every workbook is a plausible department return: the sheet names and header labels come
from :mod:`reconcile.template.definition` (the one definition of the template), the
layout has what real returns have (a merged title, a "单位：万元" line, number formats,
frozen panes, merged indicator groups in some files), and the numbers add up: 支出合计 =
Σ类, 类 = Σ款, 款 = Σ项, 增减额/增减率 recomputed, 收入合计 = 支出合计 = 全年执行数,
自评得分 = 执行率得分 + Σ指标得分. Sizes vary like real returns: 5–300 支出 rows and
10–60 indicators.

About one workbook in ten carries an injected error of each family (independently):
``subtotal`` (a 合计/类/款 that does not add up), ``delta`` (a wrong 增减额 or 增减率),
``score`` (an indicator 得分 above its 分值), ``text`` (text in a number cell). A few
units also get last year's workbook, so the cross-year check (YOY001) has work to do.

Everything is seeded: the same ``seed`` gives byte-for-byte the same numbers.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reconcile.template.definition import INCOME_SOURCES, SHEET_BY_KEY

FAMILIES = ("subtotal", "delta", "score", "text")
YEAR = 2023
CENT = Decimal("0.01")

DEPARTMENTS = ("公安局", "教育局", "卫生健康局", "民政局", "农业农村局", "交通运输局", "住房和城乡建设局",
               "自然资源局", "司法局", "文化广播电视和旅游局", "应急管理局", "水务局", "林业局", "统计局")
# 一级, its 二级, share of the indicators, 分值 of the group (national scheme: 预算执行 10,
# 产出 50, 效益 30, 满意度 10).
INDICATOR_GROUPS = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标"), 0.5, 50),
    ("效益指标", ("社会效益指标", "经济效益指标", "可持续影响指标"), 0.35, 30),
    ("满意度指标", ("服务对象满意度指标",), 0.15, 10),
)
UNITS = ("个", "次", "台", "人", "项", "%", "万元", "户")
PARAGRAPH = ("围绕年度重点工作任务，强化预算管理和绩效管理，严格执行各项财经纪律，"
             "保障机构正常运转和各项业务工作顺利开展，资金使用规范，绩效目标基本完成。")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_of(cur: Decimal, prev: Decimal) -> Decimal | None:
    if prev == 0:
        return None
    return ((cur - prev) / prev * 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One 支出 row: a 类/款/项 code with its amounts (leaves given, parents summed)."""

    code: str
    name: str
    cur: Decimal = Decimal(0)
    prev: Decimal = Decimal(0)
    basic: Decimal = Decimal(0)
    children: list[Line] = field(default_factory=list)

    def total(self) -> None:
        if self.children:
            for child in self.children:
                child.total()
            self.cur = sum((c.cur for c in self.children), Decimal(0))
            self.prev = sum((c.prev for c in self.children), Decimal(0))
            self.basic = sum((c.basic for c in self.children), Decimal(0))

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Spec:
    """What one generated workbook holds; enough to write it and to derive last year's."""

    index: int
    unit: str
    year: int
    tree: list[Line]
    income_shares: list[tuple[str, Decimal]]
    indicators: int
    merged_groups: bool
    percent_rates: bool
    text_codes: bool
    errors: tuple[str, ...]
    seed: int


def _codes() -> dict[str, list[tuple[str, str]]]:
    """Parent code ("" for the top) → its children (code, name) in use last year and this
    year, from the project's 功能分类 table, plus the conventional 项 (01/02/03/50, and
    99 “其他…支出”) of every 款: the codes a clean return would use."""
    from reconcile.reference.function_classes import catalogue

    cat = catalogue()
    children: dict[str, list[tuple[str, str]]] = {}
    for code, entry in sorted(cat.entries.items()):
        if not (entry.in_use(YEAR) and entry.in_use(YEAR - 1)):
            continue
        parent = "" if len(code) == 3 else code[:-2]
        if parent and parent not in cat.entries:
            continue
        children.setdefault(parent, []).append((code, entry.name))
        if len(code) == 5 and code + "99" not in cat.entries:
            children.setdefault(code, []).append((code + "99", f"其他{entry.name.removesuffix('支出')}支出"))
    return children


def _expenditure_tree(rng: random.Random, rows: int) -> list[Line]:
    codes = _codes()
    tree: list[Line] = []
    count = 0
    for cls, cls_name in rng.sample(codes[""], len(codes[""])):
        if count >= rows:
            break
        top = Line(cls, cls_name)
        tree.append(top)
        count += 1
        kuans = codes.get(cls, [])
        for kuan, kuan_name in sorted(rng.sample(kuans, min(len(kuans), rng.randint(1, 6)))):
            if count >= rows:
                break
            k = Line(kuan, kuan_name)
            top.children.append(k)
            count += 1
            items = [c for c in codes.get(kuan, []) if len(c[0]) == 7]
            for item, item_name in sorted(rng.sample(items, min(len(items), rng.randint(0, 12)))):
                if count >= rows:
                    break
                k.children.append(Line(item, item_name))
                count += 1
    for top in tree:
        for line in top.walk():
            if not line.children:
                line.cur = money(Decimal(rng.randint(100, 50000)) / 100)
                line.prev = money(line.cur * Decimal(rng.uniform(0.8, 1.2)))
                line.basic = money(line.cur * Decimal(rng.choice((0, 0.3, 0.5, 0.8, 1))))
        top.total()
    return tree


def make_specs(n: int, seed: int, prior_share: float = 0.05) -> list[Spec]:
    """The ``n`` workbooks of a batch; about ``prior_share`` of the units also have last year's."""
    rng = random.Random(seed)
    specs: list[Spec] = []
    i = -1
    while len(specs) < n:
        i += 1
        wseed = rng.randrange(2**32)
        wrng = random.Random(wseed)
        unit = f"测试县{DEPARTMENTS[i % len(DEPARTMENTS)]}{i + 1:04d}"
        tree = _expenditure_tree(wrng, wrng.randint(5, 300))
        k = wrng.randint(2, 5)
        weights = [Decimal(wrng.randint(1, 10)) for _ in range(k)]
        shares = [(src, w / sum(weights)) for src, w in zip(wrng.sample(INCOME_SOURCES[:-1], k), weights, strict=True)]
        errors = tuple(f for f in FAMILIES if wrng.random() < 0.1)
        spec = Spec(i, unit, YEAR, tree, shares, wrng.randint(10, 60), wrng.random() < 0.5,
                    wrng.random() < 0.2, wrng.random() < 0.5, errors, wseed)
        specs.append(spec)
        if rng.random() < prior_share and len(specs) < n:
            specs.append(_last_year(spec, wrng))
    return specs


def _last_year(spec: Spec, rng: random.Random) -> Spec:
    """Last year's return of the same unit: its 本年数 are this year's 上年数."""
    def copy(line: Line) -> Line:
        new = Line(line.code, line.name, children=[copy(c) for c in line.children])
        if not line.children:
            new.cur = line.prev
            new.prev = money(line.prev * Decimal(rng.uniform(0.85, 1.15)))
            new.basic = money(line.prev * (line.basic / line.cur)) if line.cur else Decimal(0)
        return new

    tree = [copy(t) for t in spec.tree]
    for t in tree:
        t.total()
    return Spec(spec.index, spec.unit, spec.year - 1, tree, spec.income_shares, spec.indicators,
                spec.merged_groups, spec.percent_rates, spec.text_codes, (), spec.seed ^ 0x5A5A)


def file_name(spec: Spec) -> str:
    suffix = "" if spec.year == YEAR else f"_{spec.year}"
    return f"{spec.index + 1:04d}_{spec.unit}{suffix}.xlsx"


def generate(folder: Path, n: int, seed: int = 1, prior_share: float = 0.05,
             error_share: float | None = None, error_seed: int = 0) -> list[tuple[Path, Spec]]:
    """Write the batch into ``folder``; return (path, spec) per workbook. With
    ``error_share`` each workbook gets each error family with that probability instead
    (drawn from ``random.Random(error_seed)``, workbook by workbook, family by family):
    the tests' batches with many errors."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(error_seed)
    out = []
    for spec in make_specs(n, seed, prior_share):
        if error_share is not None:
            spec = dataclasses.replace(spec, errors=tuple(f for f in FAMILIES if rng.random() < error_share))
        path = folder / file_name(spec)
        write_spec(path, spec)
        out.append((path, spec))
    return out


# ---------------------------------------------------------------- writing


def _labels(key: str) -> list[str]:
    return [c.label for c in SHEET_BY_KEY[key].columns]


def _split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    parts = [money(total * s) for s in shares[:-1]]
    return [*parts, total - sum(parts, Decimal(0))]


def write_spec(path: Path, spec: Spec) -> None:
    import xlsxwriter

    rng = random.Random(spec.seed)
    errors = set(spec.errors)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    amt = wb.add_format({"num_format": "#,##0.00", "border": 1})
    pct = wb.add_format({"num_format": "0.00%" if spec.percent_rates else "0.00", "border": 1})
    txt = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    plain = wb.add_format({"border": 1})

    def rate_value(rate: Decimal | None):
        if rate is None:
            return None
        return float(rate / 100) if spec.percent_rates else float(rate)

    def table(ws, key: str, heading: str, widths: bool = True) -> int:
        labels = _labels(key)
        ws.merge_range(0, 0, 0, len(labels) - 1, heading, title)
        ws.write_string(1, 0, f"编制单位：{spec.unit}")
        ws.write_string(1, len(labels) - 1, "单位：万元")
        for c, label in enumerate(labels):
            ws.write_string(2, c, label, head)
            if widths:
                ws.set_column(c, c, SHEET_BY_KEY[key].columns[c].width)
        ws.freeze_panes(3, 0)
        return 3

    def num(ws, r: int, c: int, value, fmt=amt) -> None:
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            ws.write_string(r, c, value, fmt)
        else:
            ws.write_number(r, c, float(value), fmt)

    # 填报说明
    ws = wb.add_worksheet("填报说明")
    ws.write_string(0, 0, "填报说明")
    for i, sd in enumerate(SHEET_BY_KEY.values(), 1):
        ws.write_string(i, 0, f"{i}. {sd.name}：{sd.help}")

    # 支出 first (other sheets derive from its totals), but written in template order below.
    exp_cur = sum((t.cur for t in spec.tree), Decimal(0))
    exp_prev = sum((t.prev for t in spec.tree), Decimal(0))
    lines = [line for top in spec.tree for line in top.walk()]

    # 绩效指标 and 预算执行 figures
    full = money(exp_cur * Decimal(rng.uniform(1.0, 1.08)))
    exec_rate = (exp_cur / full * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    budget_score = (min(exec_rate, Decimal(100)) / 100 * 10).quantize(CENT, rounding=ROUND_HALF_UP)
    k = spec.indicators
    indicators = []
    group_sizes = []
    remaining = k
    for gi, (_, seconds, share, _) in enumerate(INDICATOR_GROUPS):
        size = remaining if gi == len(INDICATOR_GROUPS) - 1 else max(1, min(remaining - (len(INDICATOR_GROUPS) - gi - 1), round(k * share)))
        group_sizes.append(size)
        remaining -= size
    for (first, seconds, _, points), size in zip(INDICATOR_GROUPS, group_sizes, strict=True):
        weights = [1] * size                 # whole points, the group's share of the 90
        for _ in range(points - size):
            weights[rng.randrange(size)] += 1
        for j in range(size):
            second = seconds[min(j * len(seconds) // size, len(seconds) - 1)]
            weight = weights[j]
            qualitative = rng.random() < 0.2
            if qualitative:
                row = [first, second, f"{second[:-2]}{j + 1}", "定性", "完成", None, "完成", weight, weight, None]
            else:
                target = rng.randint(1, 500)
                met = rng.random() < 0.9
                actual = target if met else max(0, target - rng.randint(1, max(1, target // 5)))
                # scored as domain.md §4.7 says: completed share of the 分值
                score = weight if met else (Decimal(actual) / target * weight).quantize(CENT, rounding=ROUND_HALF_UP)
                deviation = None if met else "受客观因素影响未全部完成，下一步将加强跟踪督促。"
                row = [first, second, f"{second[:-2]}完成数{j + 1}", "≥", str(target), rng.choice(UNITS),
                       str(actual), weight, score, deviation]
            indicators.append(row)
    if "score" in errors:
        bad = rng.randrange(len(indicators))
        indicators[bad][8] = indicators[bad][7] + 3          # 得分 above 分值: IND004
    self_score = budget_score + sum((Decimal(r[8]) for r in indicators), Decimal(0))

    # 基本情况
    ws = wb.add_worksheet("基本情况")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 60)
    ws.merge_range(0, 0, 0, 1, "部门基本情况", title)
    ws.write_string(1, 0, "项目", head)
    ws.write_string(1, 1, "内容", head)
    admin, worker, public = rng.randint(5, 80), rng.randint(0, 10), rng.randint(0, 60)
    active = [max(0, x - rng.randint(0, 3)) for x in (admin, worker, public)]
    values = {
        "单位名称": spec.unit, "年度": spec.year, "金额单位": "万元", "主管部门": spec.unit,
        "预算单位数": 1, "行政单位数": 1, "事业单位数": 0,
        "编制总数": admin + worker + public, "行政编制": admin, "工勤编制": worker, "事业编制": public,
        "在职人数": sum(active), "在职行政": active[0], "在职工勤": active[1], "在职事业": active[2],
        "离休人数": 0, "退休人数": rng.randint(0, 50), "自评得分": float(self_score),
        "主要职能": PARAGRAPH * 2, "年度主要工作任务": PARAGRAPH * 3, "年度总体目标": PARAGRAPH,
        "信息公开": "按规定在政府门户网站公开部门预决算及绩效自评结果。", "整改反馈": PARAGRAPH,
        "存在问题": "预算编制精细化程度有待提高。", "改进建议": "进一步加强预算绩效管理。",
    }
    for r, (label, value) in enumerate(values.items(), 2):
        ws.write_string(r, 0, label, plain)
        if isinstance(value, str):
            ws.write_string(r, 1, value, txt)
        else:
            ws.write_number(r, 1, value, plain)

    # 收入
    ws = wb.add_worksheet("收入")
    r0 = table(ws, "income", f"{spec.year}年度收入情况表")
    cur_parts = _split(exp_cur, [s for _, s in spec.income_shares])
    prev_parts = _split(exp_prev, [s for _, s in spec.income_shares])
    income_rows = [["收入合计", exp_cur, exp_prev]] + [
        [src, c, p] for (src, _), c, p in zip(spec.income_shares, cur_parts, prev_parts, strict=True)]
    money_rows: list[tuple[str, int, list]] = []      # (sheet key, excel row0, row values) for error injection
    for i, (label, cur, prev) in enumerate(income_rows):
        r = r0 + i
        rate = rate_of(cur, prev)
        ws.write_string(r, 0, label, plain)
        row = [cur, prev, cur - prev, rate]
        money_rows.append(("income", r, row))
        note = "主要是业务量变化所致。" if rate is not None and abs(rate) >= 30 else None
        row.append(note)

    # 支出
    ws_exp = wb.add_worksheet("支出")
    e0 = table(ws_exp, "expenditure", f"{spec.year}年度支出情况表")
    ws_exp.write_blank(e0, 0, None, plain)
    ws_exp.write_string(e0, 1, "支出合计", plain)
    total_row = [exp_cur, exp_prev, exp_cur - exp_prev, rate_of(exp_cur, exp_prev),
                 sum((t.basic for t in spec.tree), Decimal(0))]
    exp_rows: list[tuple[int, list, Line | None]] = [(e0, total_row, None)]
    for i, line in enumerate(lines, 1):
        r = e0 + i
        if spec.text_codes:
            ws_exp.write_string(r, 0, line.code, plain)
        else:
            ws_exp.write_number(r, 0, int(line.code), plain)
        ws_exp.write_string(r, 1, line.name, plain)
        exp_rows.append((r, [line.cur, line.prev, line.cur - line.prev, rate_of(line.cur, line.prev), line.basic], line))

    # error injection on amounts
    if "subtotal" in errors:
        parents = [(r, row) for r, row, line in exp_rows if line is not None and line.children]
        r, row = rng.choice(parents) if parents and rng.random() < 0.7 else exp_rows[0][:2]
        row[0] += Decimal(rng.choice(("1.00", "10.50", "100.00")))   # cur no longer Σ children
        row[2] = row[0] - row[1]
        row[3] = rate_of(row[0], row[1])
        row[4] = None  # keep 基本+项目 silent: only the subtotal is wrong
    if "delta" in errors:
        r, row, _ = rng.choice(exp_rows[1:])
        if rng.random() < 0.5:
            row[2] += Decimal("2.00")                    # 增减额 wrong (EXP005)
        elif row[3] is not None:
            row[3] += Decimal("1.23")                    # 增减率 wrong (EXP006)
        else:
            row[2] += Decimal("2.00")
    text_cell = None
    if "text" in errors:
        r, row, _ = rng.choice(exp_rows[1:])
        text_cell = (r, 2)                                # 本年数 as "约…" (TPL003)

    for r, row, line in exp_rows:
        cur, prev, delta, rate, basic = row
        num(ws_exp, r, 2, f"约{cur}" if text_cell == (r, 2) else cur)
        num(ws_exp, r, 3, prev)
        num(ws_exp, r, 4, delta)
        num(ws_exp, r, 5, rate_value(rate), pct)
        if basic is not None:
            num(ws_exp, r, 6, basic)
            num(ws_exp, r, 7, cur - basic)
        if rate is not None and abs(rate) >= 30:
            ws_exp.write_string(r, 8, "主要是项目调整所致。", txt)

    ws = wb.get_worksheet_by_name("收入")
    for _, r, row in money_rows:
        cur, prev, delta, rate, note = row
        num(ws, r, 1, cur)
        num(ws, r, 2, prev)
        num(ws, r, 3, delta)
        num(ws, r, 4, rate_value(rate), pct)
        if note:
            ws.write_string(r, 5, note, txt)

    # 结转结余 (optional sheet, in most files)
    if rng.random() < 0.7:
        ws = wb.add_worksheet("结转结余")
        c0 = table(ws, "carryover", "结转结余情况表")
        for i, top in enumerate(spec.tree[:3]):
            opening = money(Decimal(rng.randint(0, 5000)) / 100)
            income = money(top.cur * Decimal("1.02"))
            ws.write_string(c0 + i, 0, top.code, plain)
            ws.write_string(c0 + i, 1, top.name, plain)
            for c, v in enumerate((opening, income, top.cur, opening + income - top.cur), 2):
                num(ws, c0 + i, c, v)

    # 预算执行
    ws = wb.add_worksheet("预算执行")
    b0 = table(ws, "budget", "预算执行情况表")
    initial = money(full * Decimal("0.95"))
    srcs = ("年度资金总额", "财政拨款", "上年结转", "其他资金")
    fulls = [full, *_split(full, [Decimal("0.8"), Decimal("0.15"), Decimal("0.05")])]
    execs = [exp_cur, *_split(exp_cur, [Decimal("0.8"), Decimal("0.15"), Decimal("0.05")])]
    inits = [initial, *_split(initial, [Decimal("0.8"), Decimal("0.15"), Decimal("0.05")])]
    for i, src in enumerate(srcs):
        r = b0 + i
        ws.write_string(r, 0, src if i == 0 else f"其中：{src}" if i == 1 else src, plain)
        num(ws, r, 1, inits[i])
        num(ws, r, 2, fulls[i])
        num(ws, r, 3, execs[i])
        num(ws, r, 4, rate_value((execs[i] / fulls[i] * 100).quantize(CENT, rounding=ROUND_HALF_UP)) if fulls[i] else None, pct)
        if i == 0:
            num(ws, r, 5, 10, plain)
            num(ws, r, 6, budget_score, plain)

    # 绩效指标
    ws = wb.add_worksheet("绩效指标")
    i0 = table(ws, "indicators", f"{spec.year}年度部门整体支出绩效指标完成情况表")
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(indicators):
        r = i0 + i
        groups.setdefault((row[0], row[1]), []).append(r)
        firsts = groups[(row[0], row[1])][0] == r
        for c, value in enumerate(row):
            if c in (0, 1) and not firsts and not spec.merged_groups:
                continue   # left blank under the first row of its group
            if c in (7, 8):
                num(ws, r, c, value, plain)
            elif value is not None:
                ws.write_string(r, c, str(value), txt)
    if spec.merged_groups:
        by_first: dict[str, list[int]] = {}
        for (first, _), rows in groups.items():
            by_first.setdefault(first, []).extend(rows)
        for (first, second), rows in groups.items():
            if len(rows) > 1:
                ws.merge_range(rows[0], 1, rows[-1], 1, second, txt)
        for first, rows in by_first.items():
            if len(rows) > 1:
                ws.merge_range(rows[0], 0, rows[-1], 0, first, txt)
    end = i0 + len(indicators)
    ws.write_string(end, 0, "合计", plain)
    num(ws, end, 7, sum(r[7] for r in indicators), plain)
    num(ws, end, 8, sum((Decimal(r[8]) for r in indicators), Decimal(0)), plain)

    # 重点项目
    if rng.random() < 0.6:
        ws = wb.add_worksheet("重点项目")
        p0 = table(ws, "projects", "重点项目情况表")
        for i in range(rng.randint(1, 5)):
            budget = money(Decimal(rng.randint(10000, 90000)) / 100)
            executed = money(budget * Decimal(rng.uniform(0.85, 1.0)))
            ws.write_string(p0 + i, 0, f"重点项目{i + 1}", plain)
            num(ws, p0 + i, 1, budget)
            num(ws, p0 + i, 2, executed)
            num(ws, p0 + i, 3, rate_value((executed / budget * 100).quantize(CENT, rounding=ROUND_HALF_UP)), pct)
            ws.write_string(p0 + i, 4, "保障重点工作开展", txt)
            ws.write_string(p0 + i, 5, "已按计划完成", txt)
    wb.close()
