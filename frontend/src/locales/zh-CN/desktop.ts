export default {
  welcome: '选择团队的工作数据存放在哪里。',
  onlyDesktop: '此页面属于桌面客户端。',
  remote: {
    title: '连接团队服务器',
    hint: '公司已在服务器上部署 Tack：用工作账号登录。',
    url: '服务器地址',
    connect: '连接',
  },
  local: {
    title: '在本机创建工作区',
    hint: '适合没有服务器的小型办公室：所有数据保存在这台电脑上。',
    where: '数据保存在用户配置目录（tack/workspace）中。下一步创建公司和管理员。',
    create: '创建工作区',
  },
}

export const errors = {
  desktop: {
    not_connected: '尚未配置服务器',
    bad_url: '请输入服务器地址，例如 https://tack.example.com',
    server_unreachable: '无法连接该服务器，或它不是 Tack 服务器',
    sync_not_running: '文件夹同步未运行',
    not_desktop: '仅在桌面客户端中可用',
    bad_bandwidth: '限速须在 0（不限速）到 10485760 KB/秒之间',
    wrong_host: '本机工作区服务器只接受本机回环地址的访问',
    folder_not_picked: '请用“选择…”按钮选择要同步的本机文件夹',
    not_confirmed: '未在确认对话框中确认，没有做任何更改',
    internal: '出了点问题',
    no_chat_index: '这台电脑上还没有该服务器的聊天索引：连上服务器并登录后会自动建立',
  },
}
