export default {
  appName: 'Tack',
  home: {
    nav: '工作台',
    hello: '你好，{name}',
    todo: '待我审批',
    meetingsToday: '今日会议',
    unread: '未读通知',
    agenda: '今日日程',
    noMeetings: '今天没有会议',
    quick: '常用应用',
    quickItems: { approval: '发起审批', meeting: '预约会议', contacts: '通讯录', announcements: '公告', admin: '组织管理' },
    startTitle: '开始使用',
    startText: '先在「管理 → 部门」中建立组织架构，再在「管理 → 成员」中为同事开通账号。',
  },
  notFound: { title: '页面不存在', text: '链接可能已失效，或者你没有权限查看。', home: '返回工作台' },
  user: { profile: '个人设置', logout: '退出登录', language: '语言' },
  languages: { 'zh-CN': '简体中文', en: 'English' },
  actions: {
    save: '保存', cancel: '取消', ok: '确定', delete: '删除', edit: '编辑', create: '新建', search: '搜索',
    back: '返回', confirm: '确认', more: '加载更多', title: '操作',
  },
  field: {
    required: '必填',
    invalid: '格式不正确',
    invalid_email: '邮箱格式不正确',
    invalid_phone: '手机号格式不正确',
    duplicate: '已存在',
    not_found: '不存在或已停用',
    too_long: '内容过长',
    too_short: '内容过短',
    too_large: '数值过大',
    too_small: '数值过小',
    control_character: '不能包含控制字符或换行',
  },
}

// Errors that any request can get (not tied to one domain).
export const errors = {
  internal: '服务器出错了，请稍后再试',
  not_found: '要找的内容不存在',
  route_not_found: '接口不存在，请刷新页面',
  invalid_json: '请求格式不正确，请刷新页面后重试',
  request_too_large: '提交的内容太大',
  network: '无法连接服务器，请检查网络',
  invalid_text: '内容中含有无法保存的字符（空字符或损坏的字符），请删除后重试',
  invalid_utf8: '请求不是有效的 UTF-8 文本，请刷新页面后重试',
  json_required: '请求必须以 JSON 格式发送，请刷新页面后重试',
  events: {
    too_many_streams: '你的账号打开的实时连接过多，请关闭部分标签页或窗口（在此期间每 30 秒刷新一次）',
    server_busy: '服务器的实时连接已满，在有空位之前每 30 秒刷新一次',
  },
  auth: { cross_origin: '请求来自其他网站，已被拒绝；请直接打开 Tack 的地址后重试' },
}
