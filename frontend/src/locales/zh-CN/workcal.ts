// The company working calendar (admin settings page 工作日历).
export default {
  tab: '工作日历',
  title: '工作日历',
  intro: '审批时限、通知升级、会议找时间以及考勤和日志都按这份日历计算工作日与工作时间（时区 {tz}）。',
  week: '工作时间', hours: '每天', saveWeek: '保存工作时间', saved: '工作时间已保存',
  weekday: { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' },
  special: '节假日与调休', holiday: '节假日（休息）', makeup: '调休（上班）', note: '备注', notePlaceholder: '备注，如 国庆节', add: '添加',
  start: '开始日期', end: '结束日期', remove: '删除',
  date: '日期', kind: '类型', empty: '这一年没有特殊日期', count: '节假日 {h} 天，调休上班 {m} 天',
  field: { required: '请至少选择一天', invalid: '格式有误', before_start: '下班时间须晚于上班时间', too_large: '一次最多 62 天', too_long: '备注太长' },
}

export const errors = {
  workcal: {
    forbidden: '只有管理员可以修改工作日历',
    invalid_week: '工作时间设置有误',
    invalid_day: '日期有误',
  },
}
