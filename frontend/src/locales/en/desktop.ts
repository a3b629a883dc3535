export default {
  welcome: 'Choose where your team\'s work lives.',
  onlyDesktop: 'This page is part of the desktop app.',
  remote: {
    title: 'Connect to a team server',
    hint: 'Your company runs Tack on a server: sign in with your work account.',
    url: 'Server address',
    connect: 'Connect',
  },
  local: {
    title: 'Create a workspace on this computer',
    hint: 'For a small office without a server: Tack keeps everything on this computer.',
    where: 'The data is stored in your user configuration folder (tack/workspace). Next you create the company and the administrator.',
    create: 'Create workspace',
  },
}

export const errors = {
  desktop: {
    not_connected: 'No server is configured',
    bad_url: 'Enter the server address, e.g. https://tack.example.com',
    server_unreachable: 'The server cannot be reached or is not a Tack server',
    sync_not_running: 'Folder sync is not running',
    not_desktop: 'Only available in the desktop app',
    bad_bandwidth: 'The speed limit must be between 0 (no limit) and 10485760 KB/s',
    wrong_host: 'This workspace server only answers on its own loopback address',
    folder_not_picked: 'Choose the local folder with the Choose… button',
    not_confirmed: 'Not confirmed in the dialog; nothing was changed',
    internal: 'Something went wrong',
    no_chat_index: 'This computer has no chat index for the server yet: it is built once you sign in with the server reachable',
  },
}
