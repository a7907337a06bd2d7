"""Labels for what natplan prints, in Chinese (default) and English.

One table for the terminal, the templates and the spreadsheets, so that a
label reads the same everywhere.  ``t(key, lang)`` falls back to the key.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # counts
    "people": ("人数", "People"),
    "households": ("户数", "Households"),
    "villages": ("村/社区", "Villages"),
    "grids": ("微网格", "Grids"),
    "special_needs": ("特殊人群（上门采样）", "Special needs (home visits)"),
    "units": ("检测单元", "Test units"),
    "desks": ("采样台", "Desks"),
    "groups": ("检测组", "Test groups"),
    "staff": ("检测组人员", "Group staff"),
    "samplers": ("采样员", "Samplers"),
    "zones": ("收样片区", "Courier zones"),
    "zone_vehicles": ("片区收样车", "Zone courier vehicles"),
    "vehicles": ("中转站车辆", "Station vehicles"),
    # checks
    "people_per_unit": ("每个检测单元人数", "People per unit"),
    "people_per_desk": ("每个采样台人数", "People per desk"),
    "samplers_needed": ("所需采样员（人口/360/天，上限为现有）", "Samplers needed (people/360 a day; limit: on hand)"),
    "throughput_hours": ("满负荷采样所需小时", "Hours at full sampling rate"),
    "status_ok": ("符合", "ok"),
    "status_low": ("偏低", "low"),
    "status_high": ("超出", "over"),
    "guideline": ("对照指南", "Against the guidelines"),
    "value": ("数值", "value"),
    "limit": ("上限", "limit"),
    "status": ("结论", "status"),
    "scenario_ok": ("情景文件有效", "scenario is valid"),
    "warnings": ("提醒", "warnings"),
    # printed plan (templates/views.py, excel.py)
    "doc_title": ("检测轮次执行方案", "Testing round plan"),
    "printed_at": ("打印时间", "Printed"),
    "round_date": ("检测日期", "Round date"),
    "overview": ("总览", "Overview"),
    "town_map": ("全镇检测单元与收样路线图", "Town map: test units and courier loops"),
    "kpis": ("关键指标", "Key figures"),
    "kpi": ("指标", "Figure"),
    "note": ("说明", "Note"),
    "walk_in": ("到点采样人数", "Walk-in people"),
    "home_visits": ("上门采样人数", "Home visits"),
    "units_open": ("开放检测单元", "Units open"),
    "groups_used": ("出动检测组", "Groups used"),
    "finish": ("全部采完", "Finish"),
    "deadline": ("截止时间", "Deadline"),
    "on_time": ("按时", "on time"),
    "late": ("超时", "late"),
    "bound": ("理论最早完成", "Least possible finish"),
    "finish_ratio": ("用时 / 理论用时", "Time used / least possible"),
    "peak_queue": ("最大排队人数", "Peak queue"),
    "waiting_room": ("候检区容量", "waiting room"),
    "worst_age": ("样本最长送达时间", "Worst sample age"),
    "age_limit": ("时限", "limit"),
    "kept_for_queue": ("（其中 {n} 分钟留给共用实验室排队{home}）", " ({n} of them kept for the shared lab's queue{home})"),
    "kept_home": ("，入户样本 {n} 分钟", "; {n} for home-visit samples"),
    "courier_vehicles": ("收样车辆（需要 / 现有）", "Courier vehicles (needed / on hand)"),
    "lower_bound": ("下界", "lower bound"),
    "shuttle_vehicles": ("转运车辆（使用 / 现有）", "Shuttle vehicles (used / on hand)"),
    "every_min": ("每 {n} 分钟一趟", "every {n} min"),
    "walk_mean": ("平均步行距离", "Mean walk"),
    "walk_max": ("最远步行距离", "Longest walk"),
    "gap_assign": ("分配求解差距", "Assignment solver gap"),
    "gap_staff": ("排班求解差距", "Staffing solver gap"),
    "gap_route": ("路线求解差距", "Routing solver gap"),
    "optimal": ("最优", "optimal"),
    "minutes": ("分钟", "min"),
    "metres": ("米", "m"),
    "plan_warnings": ("方案提醒", "Plan warnings"),
    "group_timetable": ("检测组调度表", "Group timetable"),
    "group": ("检测组", "Group"),
    "unit": ("检测单元", "Unit"),
    "unit_id": ("编号", "ID"),
    "arrive": ("到达", "Arrive"),
    "open": ("开始采样", "Open"),
    "close": ("结束采样", "Close"),
    "leave": ("离开", "Leave"),
    "stays": ("驻点安排", "Units and times"),
    "roster": ("检测单元名册", "Unit roster"),
    "zone": ("收样片区", "Courier zone"),
    "desks_n": ("采样台", "desks"),
    "rate": ("采样能力（人/小时）", "Rate (people/h)"),
    "sampling": ("采样时间", "Sampling"),
    "staff_roster": ("人员与班次", "Staff and hours"),
    "role": ("岗位", "Role"),
    "name": ("姓名", "Name"),
    "on_duty": ("在岗", "On duty"),
    "work": ("工作时段", "Work"),
    "gear": ("更换防护服", "Gear change"),
    "meal": ("用餐", "Meal"),
    "work_hours": ("工时", "Hours"),
    "travel": ("途中", "Travel"),
    "setup": ("布置", "Set-up"),
    "slots": ("分时段到检安排", "Arrival slots"),
    "time": ("时间", "Time"),
    "grid": ("网格/村民小组", "Grid"),
    "village": ("村/社区", "Village"),
    "household_range": ("户号", "Households"),
    "hh_fmt": ("第{a}–{b}户", "no. {a}–{b}"),
    "expected": ("预计人数", "Expected"),
    "pickups": ("收样时间", "Courier pickups"),
    "vehicle": ("车辆", "Vehicle"),
    "tubes": ("管数", "Tubes"),
    "boxes": ("箱数", "Boxes"),
    "home_list": ("本单元辖区上门采样名单", "Home visits in this unit's area"),
    "special_id": ("编号", "ID"),
    "category": ("类别", "Category"),
    "team": ("上门小组", "Team"),
    "cat_bedridden": ("卧床", "bedridden"),
    "cat_disabled": ("残疾", "disabled"),
    "cat_elderly": ("高龄", "elderly"),
    "emergency": ("应急联系人（现场填写）", "Emergency contacts (fill in on site)"),
    "contact_role": ("职务", "Role"),
    "phone": ("电话", "Phone"),
    "none": ("无", "none"),
    "total": ("合计", "Total"),
    "route_sheet": ("收样路线单", "Courier route sheet"),
    "stop_order": ("停靠顺序", "Stop order"),
    "loop_min": ("一圈用时", "Loop time"),
    "interval": ("收样间隔", "Interval"),
    "crew": ("人员配置", "Crew"),
    "crew_fmt": ("干部 {c}、医务 {m}、司机 {d}", "{c} cadre, {m} medic, {d} driver"),
    "loop": ("趟次", "Loop"),
    "depart": ("出发", "Depart"),
    "back": ("回站", "Back"),
    "station": ("中转站", "Transfer station"),
    "lab": ("实验室/转运点", "Lab"),
    "shuttles": ("中转站→实验室 转运时刻表", "Shuttles: station to lab"),
    "arrive_lab": ("到达实验室", "At lab"),
    "oldest_swab": ("最早采样", "Oldest swab"),
    "age": ("样本时长", "Sample age"),
    "cadence": ("发车间隔", "Cadence"),
    "round_trip": ("往返用时", "Round trip"),
    "handover": ("样本交接单", "Sample handover sheet"),
    "courier_sign": ("收样人签字", "Courier signature"),
    "unit_sign": ("交样人签字", "Unit signature"),
    "receiver_sign": ("接收人签字", "Receiver signature"),
    "handover_time": ("实际时间", "Actual time"),
    "shuttle_handover": ("中转站→实验室 样本交接单", "Handover: station to lab"),
    "sheet_of": ("第 {n}/{m} 张", "sheet {n} of {m}"),
    "notice": ("核酸检测通知", "Nucleic-acid testing notice"),
    "notice_intro": ("请本村居民按下表时间到指定检测点参加核酸检测。", "Residents: please go to your test unit at the time below."),
    "notice_go": ("检测点", "Go to"),
    "notice_bring": ("请携带身份证或健康码，佩戴口罩，保持一米间距。行动不便者由村委安排上门采样。",
                     "Bring your ID or health code, wear a mask, keep one metre apart. People who cannot come are sampled at home."),
    "sheet_assignment": ("网格分配", "Assignment"),
    "sheet_slots": ("到检时段", "Slots"),
    "sheet_units": ("检测单元", "Units"),
    "sheet_rosters": ("人员排班", "Rosters"),
    "sheet_routes": ("收样路线", "Routes"),
    "sheet_shuttles": ("转运", "Shuttles"),
    "sheet_home": ("上门采样", "Home visits"),
    "sheet_kpis": ("关键指标", "KPIs"),
    "part": ("分段", "Part"),
    "distance_m": ("步行距离（米）", "Walk (m)"),
    "first_slot": ("首个时段", "First slot"),
    "last_slot": ("末个时段", "Last slot"),
    "member": ("人员", "Member"),
    "kind": ("类型", "Kind"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "earliest_swab": ("最早采样", "Earliest swab"),
    "returns_to": ("样本送至", "Samples to"),
    "order": ("顺序", "Order"),
    "pickup_fmt": ("{time}　{vehicle} 第{n}趟　{tubes}管 {boxes}箱", "{time}  {vehicle} #{n}  {tubes} tubes, {boxes} boxes"),
    "loop_fmt": ("第{n}趟 {time}", "#{n} {time}"),
    "load_fmt": ("{tubes}管 / {boxes}箱", "{tubes} tubes / {boxes} boxes"),
    "tubes_boxes": ("管数 / 箱数", "Tubes / boxes"),
    "grid_households": ("网格/村民小组 · 户号", "Grid · households"),
    "people_same_hours": ("人员（同一班次合并一行）", "Staff (same hours on one line)"),
    "grid_id": ("网格编号", "Grid ID"),
    "grid_name": ("网格名称", "Grid"),
    "unit_code": ("单元编号", "Unit ID"),
    "unit_name": ("检测单元名称", "Unit"),
    "skip_note": ("“—”：本趟不停靠（该检测单元尚未开放或已收完）。", "“—”: no stop on this loop (the unit is not open yet, or done)."),
    "home_teams_fmt": ("{n} 个上门小组", "{n} home-visit teams"),
}


def t(key: str, lang: str = "zh") -> str:
    """The label for ``key`` in ``lang`` ("zh" or "en")."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]

# What-if comparison (templates/comparison.py)
LABELS.update({
    "cmp_title": ("人员配置对比", "Staffing comparison"),
    "cmp_varied": ("变化项", "Varied"),
    "cmp_deadline": ("截止时间", "Deadline"),
    "cmp_printed": ("打印时间", "Printed"),
    "cmp_groups": ("检测组", "Groups"),
    "cmp_units": ("检测单元", "Units"),
    "cmp_samplers": ("采样员", "Samplers"),
    "cmp_vehicles": ("中转车辆", "Vehicles"),
    "cmp_desks": ("每点采样台", "Desks per unit"),
    "cmp_slot": ("时段（分钟）", "Slot (min)"),
    "cmp_pooling": ("混采比例", "Pooling"),
    "cmp_deadline_v": ("截止时间", "Deadline"),
    "cmp_interval": ("收样间隔（分钟）", "Collection interval (min)"),
    "cmp_max_walk_m": ("最远步行（米）", "Farthest walk allowed (m)"),
    "cmp_finish": ("完成时间", "Finish"),
    "cmp_finish_ratio": ("与下界之比", "Ratio to bound"),
    "cmp_peak_queue": ("最大排队人数", "Peak queue"),
    "cmp_worst_age": ("最长样本时长（分钟）", "Worst sample age (min)"),
    "cmp_walk_mean_m": ("平均步行（米）", "Mean walk (m)"),
    "cmp_walk_max_m": ("最远步行（米）", "Longest walk (m)"),
    "cmp_courier_vehicles": ("收样车辆", "Courier vehicles"),
    "cmp_staff_hours": ("人员工时", "Staff-hours"),
    "cmp_peak_p95": ("排队 P95", "Queue P95"),
    "cmp_finish_p95": ("完成 P95", "Finish P95"),
    "cmp_why": ("不可行原因", "Why infeasible"),
})

# The printed set (issue #16): headline times, sheets for every person who acts, notices, the notes page.
LABELS.update({
    "osm_credit": ("地图数据 © OpenStreetMap 贡献者", "Map data © OpenStreetMap contributors"),
    "odbl": ("（ODbL 1.0 许可）", " (ODbL 1.0)"),
    "credit_synthetic": ("边界为示意（非实测）", "Synthetic boundary (not surveyed)"),
    "transfer_point": ("转运点", "transfer point"),
    "lab_only": ("实验室", "lab"),
    "headline": ("关键时间", "When the round ends"),
    "done_walk_in": ("到点采样完成", "Walk-in sampling done"),
    "done_home": ("上门采样完成", "Home visits done"),
    "done_at_lab": ("最后一批样本送达{kind}", "Last samples at the {kind}"),
    "done_results": ("全部出结果（按实验室检测能力排队）", "All results (the lab's queue)"),
    "lab_rate_fmt": ("实验室每小时检测 {n} 管", "the lab tests {n} tubes an hour"),
    "lab_rate_missing": ("情景文件未给出实验室检测能力，无法推算", "the scenario gives no lab capacity"),
    "courier_lower_bound": ("收样车辆下界", "Courier vehicles, lower bound"),
    "fewest_shuttles": ("满足时限的最少转运车辆", "Fewest shuttles within the age limit"),
    "notes_title": ("方案说明", "Notes for the planner"),
    "notes_intro": ("本页供方案编制人员参考：各部分的求解方法、与理论最优的差距和下界。现场人员无需阅读。",
                    "For the planner: how each part was solved, its gap to the proven bound, and the bounds. "
                    "The field does not need this page."),
    "notes_gap": ("求解差距 = （方案值 − 下界）/ 方案值；0% 表示已证明最优。",
                  "Gap = (plan − bound) / plan; 0% means proven best."),
    "notes_seed": ("随机种子 {seed}　情景文件 SHA-256 {sha}…　natplan {version}",
                   "Seed {seed}   scenario SHA-256 {sha}…   natplan {version}"),
    "method": ("求解方法", "Method"),
    "needed_fmt": ("需要 {n} 辆", "{n} needed"),
    "used_fmt": ("使用 {n} 辆", "{n} used"),
    "ins_courier_late": ("预计晚到 10 分钟以上：立即电话告知中转站和下一站检测单元，不要跳站。",
                         "Running 10 or more minutes late: phone the station and the next unit at once; "
                         "do not skip a stop."),
    "ins_unit_not_ready": ("检测单元样本未封箱：最多等候 5 分钟；仍未好则记入交接单“异常说明”，下趟再收。",
                           "A unit's box is not ready: wait at most 5 minutes; then note it under "
                           "“Exception” and collect it on the next loop."),
    "ins_box_damaged": ("转运箱破损或封签断开：不要打开，套上备用箱，记下封签号和温度，电话报中转站。",
                        "A box is damaged or its seal broken: do not open it; put it in a spare box, note the seal "
                        "number and temperature, and phone the station."),
    "ins_before_you_come": ("采样前 30 分钟内不要进食、饮水、吸烟；带身份证或户口本，佩戴口罩，排队保持一米间距。",
                            "Do not eat, drink or smoke in the 30 minutes before; bring your ID card, wear a "
                            "mask, keep one metre apart in the queue."),
    "ins_missed_slot": ("当天检测点关闭前任何时间都可前来，请在队尾排队；行动不便者请联系村委安排上门采样。",
                        "Come at any time before the unit closes and join the end of the "
                        "queue; if you cannot come, call the village committee for a home visit."),
    "block_work": ("采样", "sampling"),
    "block_setup": ("布置", "set-up"),
    "block_gear": ("更换防护服", "gear change"),
    "block_meal": ("用餐", "meal"),
    "block_travel": ("途中", "travel"),
    "day_blocks": ("当天安排（时段）", "The day, block by block"),
    "expected_finish": ("预计完成", "Expected finish"),
    "pauses": ("暂停采样（采样员换装或用餐，无人替岗）", "Sampling paused (no sampler free to cover a break)"),
    "address": ("地址 / 标志", "Address / landmark"),
    "homes_at_unit_fmt": ("本单元辖区 {n} 人由上门小组 {teams} 上门采样，见上门采样单。",
                          "{n} people in this unit's area are sampled at home by teams {teams}: see their sheets."),
    "home_sheet": ("上门采样单", "Home-visit sheet"),
    "cadre": ("村干部", "Village cadre"),
    "medic": ("医务人员", "Medic"),
    "home_crew": ("小组成员（村干部 1 名、医务人员 2 名，现场填写）",
                  "Team (1 village cadre, 2 medics; fill in on site)"),
    "trip_fmt": ("第{n}趟　{leave} 从{station}出发 → {back} 回站", "Trip {n}: leave {station} {leave}, back {back}"),
    "window": ("时段", "Time"),
    "household": ("户号", "Household"),
    "need": ("情况", "Need"),
    "drive": ("车程", "Drive"),
    "drive_fmt": ("{m} 分钟", "{m} min"),
    "team_samples_fmt": ("{time} 回{place}，交 {tubes} 管（{people} 人）", "{time} back at {place}: hand over {tubes} tubes ({people} people)"),
    "team_shuttle_fmt": ("；随 {time} 的 {vehicle} 转运车送{dest}（{arrive} 到达）",
                         "; they leave on shuttle {vehicle} at {time} for {dest} (there {arrive})"),
    "team_meal_planned_fmt": ("用餐 {time}", "Meal {time}"),
    "team_meal_after_fmt": ("收工（{time}）后用餐", "Meal after the last trip ({time})"),
    "team_meal_fmt": ("第{n}趟回站后 {time} 在中转站用餐（{m} 分钟），之后各趟顺延 {m} 分钟，约 {end} 收工",
                      "Meal {time} at the station after trip {n} ({m} min); later trips move {m} min later, "
                      "done about {end}"),
    "team_meal": ("用餐", "Meal"),
    "samples_go": ("样本去向", "Where the samples go"),
    "driver": ("司机", "Driver"),
    "plate": ("车牌", "Plate"),
    "loop_map": ("收样路线图", "Loop map"),
    "if_problem": ("遇到问题", "If something goes wrong"),
    "stop_load": ("到达时间 · 管数 / 箱数", "Arrival · tubes / boxes"),
    "shuttles_title_fmt": ("中转站→{kind} 转运时刻表", "Shuttles: station to {kind}"),
    "shuttle_handover_fmt": ("中转站→{kind} 样本交接单", "Handover: station to {kind}"),
    "destination": ("送达", "To"),
    "trips": ("趟数", "Trips"),
    "planned": ("计划", "Planned"),
    "actual": ("实收 管 / 箱", "Actual tubes / boxes"),
    "seal_no": ("封签号", "Seal no."),
    "temperature": ("温度 ℃", "Temp. ℃"),
    "exception": ("异常说明", "Exception"),
    "giver_sign": ("交样人签字", "Handed over by"),
    "taker_sign": ("接样人签字", "Received by"),
    "before_you_come": ("检测前", "Before you come"),
    "missed_slot": ("错过时段", "Missed your time"),
    "cadre_phone": ("村委联系电话", "Village committee phone"),
    "qr_note": ("微信扫码可保存本村检测时间", "Scan with WeChat to keep your village's times"),
    "wechat_head_l": ("【", "["),
    "wechat_head_r": ("】", "]"),
    "jump": ("快速跳转", "Jump to"),
    "jump_villages": ("村/社区通知", "Village notices"),
    "jump_units": ("检测单元", "Units"),
    "jump_vehicles": ("车辆", "Vehicles"),
    "jump_teams": ("上门小组", "Home-visit teams"),
    "sheet_warnings": ("提醒", "Warnings"),
    "sheet_notes": ("方案说明", "Notes"),
    "no_warnings": ("无", "none"),
    "continued": ("（续）", " (continued)"),
})

# The change list of a re-plan (natplan replan: cli/replan.py)
LABELS.update({
    "replan_title": ("{town}：重新规划（{cut} 起；改动的时段至少提前 {notice} 分钟通知）",
                       "{town}: re-planned from {cut} (changed slots are announced at least {notice} min ahead)"),
    "replan_events": ("事件", "Events"),
    "replan_section": ("变更清单", "Change list"),
    "replan_unit_closed": ("检测单元 {unit} 关闭", "unit {unit} closes"),
    "replan_reopens": ("，{t} 重新开放", ", reopens {t}"),
    "replan_vehicle_out": ("车辆 {vehicle} 停用", "vehicle {vehicle} is out"),
    "replan_back": ("，{t} 恢复", ", back {t}"),
    "replan_group_short": ("检测组 {group} 减员：{members}", "group {group} loses {members}"),
    "replan_lab_slow": ("实验室降至每小时 {n} 管", "the lab slows to {n} tubes an hour"),
    "replan_until": ("，至 {t}", " until {t}"),
    "replan_more_people": ("网格 {grid} 多出 {n} 人（台账外）", "grid {grid} has {n} more people than the ledger"),
    "replan_positive_pool": ("{unit} 第 {tube} 管混采阳性", "tube {tube} of {unit} is positive"),
    "replan_notices": ("需发新通知的村/社区（{n}）", "Villages that get a new notice ({n})"),
    "replan_slot": ("{unit} {span}，{hh}，{n} 人", "{unit} {span}, {hh}, {n} people"),
    "replan_hh": ("第 {a}–{b} 户", "households {a}–{b}"),
    "replan_moves": ("改到其他检测单元的人（{n}）", "People sent to another unit ({n})"),
    "replan_move": ("{grid}：{n} 人 {src} → {dst}", "{grid}: {n} people {src} → {dst}"),
    "replan_new_people": ("台账外", "not on the ledger"),
    "replan_rosters": ("需重印的检测单元排班表（{n}）", "Unit rosters to print again ({n})"),
    "replan_groups": ("排班有变的检测组（{n}）", "Groups whose rosters change ({n})"),
    "replan_rates": ("采样速度下降：{unit} 自 {t} 起每小时 {n} 人（{group}）",
                       "slower sampling: {unit} from {t}, {n} an hour ({group})"),
    "replan_couriers": ("路线或交接单有变的收样车（{n}）", "Couriers whose route or handover sheets change ({n})"),
    "replan_stand_in": ("{route} 停用期间由 {vehicle} 代跑（{times}）", "{vehicle} drives {route}'s loops ({times})"),
    "replan_shuttles": ("转运车时刻表有变：自 {cut} 起每 {c} 分钟一班", "The shuttle timetable changes: from {cut}, every {c} min"),
    "replan_shuttles_same": ("转运车时刻表不变", "The shuttle timetable stays"),
    "replan_retest": ("复检 {unit} 第 {tube} 管：{n} 人单管复采（{who}），{how}，{team} 组 {leave} 出发，{lab} 送达实验室",
               "retest of tube {tube} of {unit}: {n} people one tube each ({who}), {how}, team {team} leaves "
               "{leave}, at the lab {lab}"),
    "replan_home": ("上门", "at home"),
    "replan_at_unit": ("到 {unit} {span} 采样", "at {unit} {span}"),
    "replan_lab": ("实验室 {t} 起每小时 {n} 管：最后一管 {done} 检测，最长样本时效 {age} 分钟",
            "the lab at {n} tubes an hour from {t}: last tube tested {done}, oldest sample {age} min"),
    "replan_finish": ("采样完成：{a} → {b}；最长样本时效：{x} → {y} 分钟",
               "Sampling done: {a} → {b}; oldest sample: {x} → {y} min"),
    "replan_none": ("无", "none"),
})

# Why a round cannot be planned, by Explanation.code (issue #14): the problem and its fix, with the same fields.
LABELS.update({
    "why_labour_stint": ("检测组 {group} 在 {unit} 只工作 {minutes} 分钟，短于最短连续工作时间 {limit} 分钟",
                         "group {group} would work only {minutes} min at {unit}, less than the shortest stint of "
                         "{limit} min"),
    "fix_labour_stint": ("让该组在 {unit} 多停留，或不去该点（parameters.min_stint_min）",
                         "let the group stay longer at {unit} or not go there (parameters.min_stint_min)"),
    "why_labour_meal": ("检测组 {group} 一天跨 {span} 小时，其中没有可以用餐的用餐时段",
                        "group {group}'s day spans {span} h, but no meal window falls inside it for a meal"),
    "fix_labour_meal": ("调整或放宽用餐时段（parameters.meal_windows），或缩短工作日",
                        "move or widen parameters.meal_windows, or shorten the day"),
    "why_labour_meal_room": ("检测组 {group} 的工作时间 {start}–{end} 跨 {span} 小时，需在 {windows} 内用餐 {meal} 分钟，"
                             "但这段时间里没有哪个驻点能在两段各 {stint} 分钟的连续工作之间留出用餐时间",
                             "group {group}'s day {start}–{end} spans {span} h and needs a {meal}-min meal in "
                             "{windows}, but none of its stays then leaves room for it between two stints of {stint} "
                             "min"),
    "fix_labour_meal_room": ("让该组在用餐时段内于某个检测单元停留至少 {need} 分钟，调整或放宽用餐时段（parameters.meal_windows），"
                             "或缩短工作日",
                             "let the group stay {need} min or more at one unit inside a meal window, move or widen "
                             "parameters.meal_windows, or shorten the day"),
    "why_labour_gown": ("检测组 {group} 在 {unit} 无法按时更换防护服：一件防护服要穿超过 {limit} 分钟",
                        "group {group} cannot change gear in time at {unit}: a gown would be worn over {limit} min"),
    "fix_labour_gown": ("缩短驻点时间，或放宽 parameters.gear_change_interval_min",
                        "shorten the stays, or raise parameters.gear_change_interval_min"),
    "why_labour_day": ("检测组 {group} 一天要工作 {hours} 小时，超过每人每天最多 {limit} 小时，且组员无法轮班替换：{why_zh}",
                       "group {group} would work {hours} h in a day, more than the {limit} h a person may, and its "
                       "members cannot relieve one another: {why}"),
    "fix_labour_day": ("{give_zh}增加检测组或采样员、允许多天完成（parameters.round_days），或延长工作日（parameters.max_work_min）",
                       "{give}add groups or samplers, allow more days (parameters.round_days), or a longer day "
                       "(parameters.max_work_min)"),
    "why_late_unit": ("{unit} {name} 在 {open} 至 {deadline} 之间还差 {desk_hours} 个采样台·小时（检测组 {group} "
                      "{close} 才采完，晚 {late} 分钟）",
                      "{unit} {name} needs {desk_hours} more desk-hours between {open} and {deadline} (group "
                      "{group} finishes at {close}, {late} min late)"),
    "fix_late_unit": ("增加检测组、在 {unit} 增加 {desks} 个采样台、把部分网格调到较早结束的检测单元，或把截止时间推后 {late} 分钟"
                      "（parameters.deadline）",
                      "add a group, add {desks} desk(s) at {unit}, move some of its grids to a unit that closes "
                      "earlier, or move the deadline {late} min later (parameters.deadline)"),
    "fix_late_unit_groups": ("增加检测组与检测组 {group} 一起在 {unit} 采样、把部分网格调到较早结束的检测单元，或把截止时间推后 "
                             "{late} 分钟（parameters.deadline）",
                             "add a group to work {unit} beside group {group}, move some of its grids to a unit that "
                             "closes earlier, or move the deadline {late} min later (parameters.deadline)"),
    "why_late_unit_opens": ("{unit} {name} 到 {open} 才开始采样，已过截止时间 {deadline}（检测组 {group} 这时才到，{close} "
                            "采完，晚 {late} 分钟）",
                            "{unit} {name} opens at {open}, after the deadline {deadline} (group {group} gets there "
                            "only then and finishes at {close}, {late} min late)"),
    "fix_late_unit_opens": ("增加能更早到达 {unit} 的检测组、把它的网格调到 {deadline} 前开放的检测单元，或把截止时间推后 {late} 分钟"
                            "（parameters.deadline）",
                            "add a group that can reach {unit} earlier, move its grids to units open before "
                            "{deadline}, or move the deadline {late} min later (parameters.deadline)"),
    "why_days": ("按劳动规则本轮需要 {days} 天，只允许 {allowed} 天：{samplers} 名在岗采样员每人每天最多工作 {hours} 小时，"
                 "每天最多约采 {per_day} 人，到点采样共 {people} 人（方案第 {day} 天 {finish_day} 采完，截止 {deadline}）",
                 "under the labour rules the round needs {days} days, and {allowed} allowed: its {samplers} samplers at desks, "
                 "at most {hours} h of work a day each, sample at most about {per_day} of its {people} walk-in people "
                 "a day (the plan finishes on day {day} at {finish_day}, the deadline is {deadline})"),
    "fix_days": ("增加约 {more} 名有采样台可用的采样员（增加检测组，或在有富余采样员的检测单元增加采样台）、"
                 "允许 {days} 天（parameters.round_days: {days}），或延长工作日（parameters.max_work_min）",
                 "add about {more} samplers with desks to work (more groups, or desks where groups have spare "
                 "samplers), allow {days} days "
                 "(parameters.round_days: {days}), or a longer day (parameters.max_work_min)"),
    "why_days_hours": ("检测单元只在 {open}–{deadline} 开放，现有检测组在这段时间内采不完到点采样的 {people} 人：需要 {days} 天，"
                       "只允许 {allowed} 天（方案第 {day} 天 {finish_day} 采完）",
                       "the units are open only {open}–{deadline}, and no plan of these groups samples its {people} "
                       "walk-in people in those hours: it takes {days} days, and {allowed} allowed (the plan "
                       "finishes on day {day} at {finish_day})"),
    "fix_days_hours": ("把截止时间推后到 {needed} 或更晚（parameters.deadline；现有检测组不可能更早完成）、增加检测组，"
                       "或允许 {days} 天（parameters.round_days: {days}）",
                       "move the deadline to {needed} or later (parameters.deadline; no plan of these groups "
                       "finishes earlier), add groups, or allow {days} days (parameters.round_days: {days})"),
    "why_unit_closes": ("检测单元 {unit} 第 {day} 天 {close} 关闭（其开放时间），送到这里的人中有 {left} 人到时采不完",
                        "unit {unit} closes at {close} on day {day} (its own hours), and {left} of the people sent "
                        "there are not sampled by then"),
    "fix_unit_closes": ("让 {unit} 开放到更晚（units[].close）、增加检测组或采样台，或允许更多天（parameters.round_days）",
                        "let {unit} stay open later (units[].close), add groups or desks, or allow more days "
                        "(parameters.round_days)"),
    "why_round_short": ("没有哪个检测单元开放得够长：最长的开放时间 {open}–{close} 短于 {setup} 分钟的布置时间加最短连续工作时间 "
                        "{stint} 分钟",
                        "no unit is open long enough to work: the longest window, {open}–{close}, is shorter than the "
                        "{setup}-min set-up and the shortest stint of {stint} min"),
    "fix_round_short": ("把截止时间推后到 {deadline} 或更晚（parameters.deadline），或延长各检测单元的开放时间",
                        "move the deadline to {deadline} or later (parameters.deadline), or open the units longer"),
    "why_days_max": ("按现有检测组、采样台和劳动规则，14 天内也采不完",
                     "the people cannot be sampled within 14 days with these groups, desks and rules"),
    "fix_days_max": ("增加检测组、采样员或采样台", "add groups, samplers or desks"),
})

LABELS["why_late_unit_groups"] = LABELS["why_late_unit"]  # the same lack; only the fix differs

# The courier fleet (issue #15): what the plan does because strict loops do not fit the vehicles, and why.
LABELS.update({
    "fleet_title": ("收样车辆调度说明", "How the vehicles are used"),
    "fleet_used": ("车辆（使用 / 现有，含转运车）", "Vehicles (used / on hand, shuttles included)"),
    "fleet_used_note": ("转运车 {shuttles}；借用 {lent}", "shuttles {shuttles}; lent {lent}"),
    "fleet_extra_note": ("另需 {n} 辆（假设）", "{n} more assumed"),
    "units_by_interval": ("各收样间隔的检测单元", "Units by collection interval"),
    "every_count_fmt": ("每{n}分钟 {k} 个", "every {n} min: {k}"),
    "strict_need": ("严格循环收样所需车辆", "Vehicles for strict loops"),
    "strict_short_fmt": ("全部按{interval}分钟严格循环收样需要 {n} 辆车：比现有多 {m} 辆",
                         "Strict {interval}-minute loops everywhere need {n} vehicles: {m} more than you have"),
    "strict_fits_fmt": ("全部按{interval}分钟严格循环收样需要 {n} 辆车：现有车辆足够",
                        "Strict {interval}-minute loops everywhere need {n} vehicles: you have enough"),
    "strict_proven_fmt": ("已证明最少 {n} 辆", "{n} proven fewest"),
    "fleet_lend": ("{zone}片（{zone_name}）借用中转站车辆 {vehicles}：{at} 本片需要 {needed} 辆车同时收样，本片只有 {have} 辆",
                   "zone {zone} ({zone_name}) borrows station vehicle(s) {vehicles}: at {at} its loops need {needed} "
                   "vehicles at once, it has {have}"),
    "fleet_move": ("检测单元 {units} 改由{to_zone}片的收样车收取（原属{zone}片）：{zone}片车辆不足以按时收完",
                   "unit(s) {units} are collected by zone {to_zone}'s loops instead of zone {zone}'s: zone {zone}'s "
                   "vehicles cannot keep every unit on time"),
    "fleet_interval_far": ("检测单元 {units} 每 {interval} 分钟收一次（不是每 {base} 分钟）：单跑一趟就要 {loop} 分钟，"
                           "每 {base} 分钟一圈（含在中转站交接 {h} 分钟）跑不下来",
                           "unit(s) {units} are collected every {interval} min instead of {base}: a loop to it alone "
                           "takes {loop} min, more than a {base}-min loop with {h} min to hand over allows"),
    "fleet_interval_short": ("检测单元 {units} 每 {interval} 分钟收一次（不是每 {base} 分钟）：车辆不够——全部按严格循环"
                             "需要 {needed} 辆，现有 {have} 辆；这几个单元采样人数少、路程远，改后每个样本仍在 {limit} 分钟内检测",
                             "unit(s) {units} are collected every {interval} min instead of {base}: too few vehicles "
                             "(strict loops everywhere need {needed}, there are {have}); these have the fewest swabs "
                             "for their distance, and every sample is still tested within {limit} min"),
    "fleet_relay_far": ("{zone}片收样车在 {point} 把样本箱交给中转站车辆 {vehicles}（接力），不回中转站：从中转站单跑 {units} "
                        "一趟要 {loop} 分钟，每 {interval} 分钟一圈跑不下来",
                        "zone {zone}'s vans hand their boxes to station vehicle(s) {vehicles} at {point} (a relay) "
                        "instead of driving back to the station: a loop from the station to {units} alone takes "
                        "{loop} min, too long for {interval}-min loops"),
    "fleet_relay_short": ("{zone}片收样车在 {point} 把样本箱交给中转站车辆 {vehicles}（接力），不回中转站：从中转站出发，"
                          "本片车辆每 {interval} 分钟跑不完一圈；从接力点出发可以",
                          "zone {zone}'s vans hand their boxes to station vehicle(s) {vehicles} at {point} (a relay) "
                          "instead of driving back to the station: from the station its vehicles cannot keep up "
                          "with {interval}-min loops, from the meeting point they can"),
    "fleet_none": ("所有检测单元按本片收样间隔严格循环收样，未借车、未调整", "Every unit is collected at its zone's "
                   "interval by the zone's own vehicles: nothing was changed"),
    "relay_sheet": ("接力：在 {point} 接{zone}片样本箱", "Relay: zone {zone}'s boxes at {point}"),
    "extra_vehicle": ("（假设增加的车辆）", "(a vehicle assumed, not on hand)"),
    "list_sep": ("、", ", "),
    "cmp_longest_interval": ("最长收样间隔（分钟）", "Longest interval (min)"),
    "cmp_fleet_used": ("车辆（使用/现有）", "Vehicles (used/on hand)"),
    "cmp_strict_note": ("严格循环所需车辆", "Vehicles strict loops need"),
    "why_unit_unreachable": ("检测单元 {unit} {name} 无论用哪种办法都不能在 {limit} 分钟时限内送检：单跑一趟就要 {alone} 分钟，"
                             "最长 {longest} 分钟的收样间隔或接力都来不及",
                             "unit {unit} {name} cannot be collected within the {limit}-min age limit by any option: a "
                             "loop to it alone takes {alone} min, and no interval up to {longest} min or relay gets its "
                             "samples to the lab in time"),
    "fix_unit_unreachable": ("在附近设接力点并给该片增派车辆、换用更近的实验室或转运点，或缩短收样间隔并增加转运车",
                             "give its zone a vehicle based nearer (a meeting point for a relay), a nearer lab or "
                             "transfer point, or a shorter interval with more shuttles"),
    "why_shuttles_too_rare": ("{n} 个检测单元（{units}）不能在 {limit} 分钟时限内送检，原因是转运车发车太少：中转站留给转运的车只有 "
                              "{kept} 辆，往返实验室一趟要 {round_trip} 分钟，所以每 {cadence} 分钟才发一趟车；中转站交接 "
                              "{handover} 分钟、等车、送到实验室及交接 {trip} 分钟{queue_zh}之后，从采样到送达中转站只剩 "
                              "{left} 分钟，而其中最近的单元也要 {need} 分钟（收样间隔 {interval} 分钟加单跑 {alone} 分钟）",
                              "{n} unit(s) ({units}) cannot be collected within the {limit}-min age limit because the "
                              "shuttles leave too rarely: the station keeps {kept} vehicle(s) for them and a round trip "
                              "to the lab takes {round_trip} min, so a shuttle leaves every {cadence} min; the "
                              "{handover}-min station handover, that wait and {trip} min to the lab with its "
                              "handover{queue_en} leave {left} min from swab to station, and the nearest of these "
                              "units needs {need} min (a {interval}-min interval and a {alone}-min loop)"),
    "fix_shuttles_too_rare": ("给中转站增加 {add} 辆车：{vehicles} 辆转运车每 {cadence2} 分钟发一趟，可留出 {left2} 分钟；"
                              "或换用更近的实验室或转运点",
                              "give the station {add} more vehicle(s): {vehicles} shuttles leave every {cadence2} min, "
                              "which leaves {left2} min; or a nearer lab or transfer point"),
    "why_fleet_short": ("按每 {cadence} 分钟收样，全镇还差 {lack} 辆车：借车、调片、延长间隔、接力按情景文件允许的都用上后，"
                        "仍有 {runs} 趟收样没有车（最早在{zone}片）",
                        "the town lacks {lack} vehicle(s) for a {cadence}-minute cadence: with lending, moves, longer "
                        "intervals and relays as the scenario allows, {runs} run(s) still have no vehicle (the first "
                        "in zone {zone})"),
    "fix_fleet_short": ("为中转站或各片区增加 {lack} 辆车，或在情景文件 fleet 部分放开更多办法",
                        "add {lack} vehicle(s) to the station or the zones, or allow more of fleet's options"),
    "why_shuttles_short": ("转运车每 {cadence} 分钟一趟需要 {need} 辆，中转站只能留出 {have} 辆",
                           "shuttles every {cadence} min need {need} vehicles, the station keeps {have} for them"),
    "why_lab_queue": ("实验室每小时检测 {tph} 管，样本最多排队 {wait} 分钟：检测时距采样已 {age} 分钟，超过 {limit} 分钟时限",
                      "the lab tests {tph} tubes an hour and tubes wait up to {wait} min for it: samples are tested "
                      "{age} min after the swab, over the {limit}-min limit"),
    "fix_shuttles_short": ("为中转站增加 {add} 辆车", "add {add} vehicle(s) to the station"),
    "why_city_lab_queue": ("{name}每小时检测 {tph} 管，{n} 个街镇的转运车都在此排队：样本检测时距采样最长 {worst} 分钟，"
                           "超过 {limit} 分钟时限 {over} 分钟（最晚：{township}，{swab} 起采的样本 {arrive} 送达、"
                           "{tested} 检测）；超时的街镇：{late}",
                           "{name} tests {tph} tubes an hour; with the shuttles of {n} township(s) in its queue, "
                           "samples are tested up to {worst} min after the swab, {over} min over the {limit}-min limit "
                           "(the worst: {township_en}, samples from {swab} on the shuttle at the lab at {arrive}, "
                           "tested at {tested}); over the limit: {late_en}"),
    "fix_city_lab_queue": ("{need_zh}{moves_zh}", "{need_en}{moves_en}"),
    "fix_lab_queue": ("增加实验室检测能力或再找一家实验室，或把采样分散到更多时段",
                      "add lab capacity or a second lab, or spread the sampling over more hours"),
    "fix_lab_far": ("缩短收样间隔、就近设实验室或转运点，或在冷链允许时放宽 sample_age_limit_min",
                    "collect more often, move the lab or a transfer point closer, or raise sample_age_limit_min "
                    "if the cold chain allows"),
    "why_lab_far": ("即使每 {cadence} 分钟发一趟转运车，样本送到时距采样已 {age} 分钟，超过 {limit} 分钟时限（实验室距中转站 {travel} 分钟）",
                    "even with a shuttle every {cadence} min, samples reach the lab {age} min after the swab, over the "
                    "{limit}-min limit (the lab is {travel} min from the station)"),
})
