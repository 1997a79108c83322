"""Display labels for statuses, audit actions, roles and form groups (marked for translation)."""

from __future__ import annotations

from collections.abc import Callable

from engine.schemas.labels import N_
from webui.clock_text import CLOCK_ACTION_LABELS, CLOCK_CONFLICTS
from webui.urgent_text import URGENT_ACTION_LABELS, URGENT_CONFLICTS

__all__ = ["N_"]


STATUS_LABELS = {
    "ready": N_("待认领"),
    "claimed": N_("办理中"),
    "completed": N_("已完成"),
    "cancelled": N_("已取消"),
    "open": N_("处理中"),
    "closed": N_("已办结"),
    "failed": N_("流程出错"),
    "merged": N_("已并入先前投诉"),
}

ACTION_LABELS = {
    "case_opened": N_("登记投诉"),
    "case_closed": N_("办结"),
    "claim": N_("认领任务"),
    "unclaim": N_("退回队列"),
    "reassign": N_("改派任务"),
    "complete": N_("完成任务"),
    "chase": N_("人工催办"),
    "auto_chase": N_("自动催办"),
    "supervision": N_("督办"),
    "timer_fired": N_("定时器触发"),
    "timer_checked": N_("定时器检查"),
    "timer_failed": N_("定时器失败"),
    "personal_data_viewed": N_("查看完整个人信息"),
    "personal_search": N_("按个人信息搜索"),
    "access_denied": N_("拒绝访问"),
    "deploy": N_("部署流程"),
    "assigned_by_diagram": N_("按流程指定办理人"),
    "assignment_refused": N_("流程指定的办理人未生效"),
    "message_received": N_("收到消息"),
    "case_migrated": N_("迁移到新版本"),
    "migration": N_("迁移运行中的案件"),
    "user_added": N_("新增用户"),
    "memberships_changed": N_("调整成员关系"),
    "regulatory_extension": N_("延长监管时限"),
    "customer_notice_letter_sent": N_("告知书已寄送"),
    "customer_notice_failed": N_("客户告知发送失败"),
    "typical_case_drafted": N_("起草典型案例"),
    "typical_case_updated": N_("修改典型案例"),
    "typical_case_published": N_("发布典型案例"),
    "alert_issued": N_("发出风险提示"),
    "alert_acknowledged": N_("确认风险提示"),
    "comment": N_("发布备注"),
    "attachment_added": N_("上传附件"),
    "attachment_downloaded": N_("下载附件"),
    "case_merged": N_("并入首次投诉"),
    "repeat_merged": N_("并入重复投诉"),
    "review_requested": N_("客户申请核查"),
    "review_opened": N_("核查立案"),
}

UNIT_KINDS = {
    "head_office": N_("总行"),
    "branch": N_("分行"),
    "sub_branch": N_("支行"),
    "outlet": N_("网点"),
    "card_centre": N_("信用卡中心"),
}

ROLE_LABELS = {
    "staff": N_("员工"),
    "supervisor": N_("督办人员"),
    "process_owner": N_("流程管理员"),
    "auditor": N_("审计员"),
    "admin": N_("系统管理员"),
}

# Why a running case cannot move to a newer version (MigrationBlocker.code), with its parameters.
MIGRATION_BLOCKERS = {
    "waits_on_removed": N_("案件正停在 %(element)s，新版本没有该元素（可用 旧=新 映射到新版本的元素）"),
    "passed_removed": N_("案件已经过 %(element)s，新版本没有该元素（可用 旧=新 映射到新版本的元素）"),
    "department_changed": N_("进行中的任务 %(element)s 在新版本中改由 %(new)s 办理：请先办完该任务"),
    "type_changed": N_("进行中的任务 %(element)s 在新版本中不再是用户任务"),
    "subprocess_removed": N_("新版本没有被调用的流程 %(element)s"),
    "state_incompatible": N_("案件状态无法在新版本上恢复：%(element)s"),
    "case_changed": N_("迁移期间案件已变化，请重新预演"),
}

ACTION_LABELS |= CLOCK_ACTION_LABELS | URGENT_ACTION_LABELS

# Conflicts the engine names by code (Conflict.code), with their parameters.
CONFLICTS = {
    "message_not_waiting": N_("案件 %(case)s 没有在等待消息“%(message)s”；它正在等待：%(waiting)s"),
    "case_not_open": N_("案件 %(case)s 已不在处理中，不再等待任何消息"),
    "typical_case_not_closed": N_("投诉 %(case)s 尚未办结：只有已办结的投诉才能作为典型案例"),
    "typical_case_exists": N_("投诉 %(case)s 已有典型案例（编号 %(id)s）"),
    "typical_case_published": N_("典型案例 %(id)s 已发布，不能再修改"),
    "alert_needs_published_case": N_("典型案例 %(id)s 尚未发布：风险提示只能从已发布的典型案例发出"),
    "alert_acknowledged": N_("风险提示 %(id)s 已确认过"),
    "rectification_not_open": N_("整改通知单 %(number)s 不在整改中，不能提交整改情况"),
    "rectification_not_submitted": N_("整改通知单 %(number)s 尚未提交整改情况，不能验收"),
    "rectification_changed": N_("整改通知单 %(number)s 已被他人修改，请刷新后重试"),
    "task_claimed_by": N_("任务已被 %(user)s 认领"),
    "task_given_back": N_("任务已退回待领"),
    "task_gone": N_("任务已不存在"),
    "task_completed_by": N_("任务已由 %(user)s 完成"),
    "task_cancelled": N_("任务已取消（流程已变化）"),
    "task_changed": N_("任务已被他人修改，请刷新"),
    "task_claim_first": N_("请先认领任务"),
    "chase_task_closed": N_("任务已办结，无需催办"),
    "chased_recently": N_("该任务在 %(interval)s内已催办过"),
    "letter_already_sent": N_("该告知书已标记为已寄送"),
    "user_exists": N_("用户 %(user)s 已存在"),
    "api_key_exists": N_("名为 %(name)s 的 API 密钥已存在"),
    "merge_not_open": N_("投诉 %(case)s 不能再并入其他投诉（已办结、已并入或为核查案件）"),
    "merge_other_customer": N_("投诉 %(first)s 不是同一客户的投诉（电话和证件号码均不相同）"),
    "review_not_decided": N_("投诉 %(case)s 尚未办结（或本身为核查案件），不能申请核查"),
    "review_open": N_("投诉 %(case)s 的核查正在办理中"),
    "review_window_passed": N_("投诉 %(case)s 的核查申请期限已于 %(until)s 届满"),
    "merge_outside_period": N_("投诉 %(case)s 不在投诉 %(first)s 的监管处理期内（须为较早受理、仍在处理中的投诉，"
                               "且在其监管时限 %(due)s 之前收到）"),
}

CONFLICTS |= CLOCK_CONFLICTS | URGENT_CONFLICTS

NOTICE_KINDS = {"chase": N_("催办"), "supervision": N_("督办"), "mention": N_("备注提及"), "reassign": N_("改派"),
                "task_force": N_("专项小组")}

# Customer notices (客户告知): kinds, delivery channels and delivery states.
CUSTOMER_NOTICE_KINDS = {"acknowledgement": N_("受理告知"), "extension": N_("延期告知"), "result": N_("处理结果告知")}
DELIVERY_CHANNELS = {"sms": N_("短信"), "email": N_("电子邮件"), "letter": N_("信函")}
DELIVERY_STATUSES = {
    "pending": N_("待发送"), "sending": N_("发送中"), "sent": N_("已送达"), "failed": N_("发送失败"),
    "to_print": N_("待打印寄送"),
}

# Deploy problems the engine names by code (DeployProblem.code), with their parameters.
DEPLOY_PROBLEMS = {
    "process_facts_missing": N_("流程 %(process)s 未声明报表事实：请在 %(file)s 中添加 [facts] 段"),
    "process_facts_invalid": N_("%(file)s 的 [facts] 段有误：%(reason)s"),
    "process_id_too_long": N_("流程 id 有 %(length)s 个字符，数据库最多保存 %(limit)s 个"),
    "process_name_too_long": N_("流程名称有 %(length)s 个字符，数据库最多保存 %(limit)s 个"),
    "element_id_too_long": N_("元素 id 有 %(length)s 个字符，数据库最多保存 %(limit)s 个"),
    "task_name_too_long": N_("任务名称有 %(length)s 个字符，数据库最多保存 %(limit)s 个"),
    "lane_name_too_long": N_("泳道名称有 %(length)s 个字符，数据库最多保存 %(limit)s 个"),
    "flow_without_id": N_("从 %(source)s 到 %(target)s 的顺序流没有 id"),
    "element_disconnected": N_("该元素没有连接任何顺序流"),
    "element_unreachable": N_("没有顺序流通向该元素，工单永远不会到达这里"),
    "element_dead_end": N_("没有顺序流离开该元素：请以结束事件结束这条路径"),
    "no_path_to_end": N_("从该元素出发没有路径到达结束事件，工单在此无法结束"),
    "task_nobody_works": N_("没有人能办理该任务：请改为指定部门和表单的用户任务"),
    "task_type_unsupported": N_("引擎不执行 %(kind)s 类型的元素：请使用用户任务或业务规则任务"),
    "dmn_unique_overlap": N_("%(file)s 的决策 %(decision)s 命中策略为 UNIQUE，但规则 %(first)s 与规则 %(second)s "
                             "可能同时匹配：请使条件互斥，或在依赖规则顺序时声明 hitPolicy=\"FIRST\""),
    "juel_unsupported": N_("%(what)s：`%(token)s`（第 %(position)s 列）不在支持的 JUEL 子集内（变量、比较、&&、||、!、"
                           "not、empty、null、true、false、字符串和数字字面量）"),
    "juel_syntax": N_("%(what)s：JUEL 语法错误，第 %(position)s 列：意外的 %(found)s"),
    "juel_name": N_("%(what)s：变量名 `%(name)s` 不能用在表达式中，请改名（字母、数字和 _，不能是 Python 关键字）"),
    "juel_mixed_text": N_("%(what)s：文字与 ${...} 混写不在支持的 JUEL 子集内：请写成一个完整的 ${...} 表达式"),
    "cron_invalid": N_("%(what)s：`%(cron)s` 不是引擎能执行的 cron 周期：%(reason)s"),
    "cron_five_fields": N_("%(what)s：`%(cron)s` 只有五个字段；Camunda 的 cron 以秒开头：请写 `%(suggestion)s`"),
    "iso_invalid": N_("%(what)s：`%(text)s` 不是有效的 ISO-8601 写法；例如 `%(example)s`"),
    "due_duration_unsupported": N_("%(what)s：到期日 `%(text)s` 只支持日期时间或整天数（如 `P3D`，按工作日计）"),
    "no_diagram_files": N_("%(path)s 中没有可部署的文件（%(suffixes)s）"),
    "not_a_diagram_file": N_("只能部署 %(suffixes)s 文件"),
}

# Where in an element a refused Camunda 7 text was (the `what` parameter of the problems above).
EXPRESSION_PLACES = {
    "condition": N_("条件"),
    "event condition": N_("事件条件"),
    "loop cardinality": N_("循环次数"),
    "completion": N_("完成条件"),
    "loop condition": N_("循环条件"),
    "timer date": N_("定时器日期"),
    "timer duration": N_("定时器时长"),
    "timer cycle": N_("定时器周期"),
    "due date": N_("到期日"),
    "assignee": N_("办理人"),
}


def deploy_problem_params(params: tuple[tuple[str, str], ...], gettext: Callable[[str], str]) -> dict[str, str]:
    """A coded deploy problem's parameters, with the place of a refused text in the reader's language."""
    found = dict(params)
    if found.get("what") in EXPRESSION_PLACES:
        found["what"] = gettext(EXPRESSION_PLACES[found["what"]])
    return found
