// The icons chosen by name at run time (navigation entries in route meta,
// drive file types) and those of the shell. @element-plus/icons-vue is one
// module of ~300 icons: a single `import * as Icons` from it puts all of them
// (45 KB compressed) in the chunk of every Element Plus component, the login
// page's too. Import from here instead; a new name used in route meta or
// drive/format.ts must be added below (icons.test.ts checks).
export {
  ArrowDown, Avatar, Bell, Box, Calendar, ChatDotRound, Clock, DataBoard, Document, Expand, Files, Finished,
  Fold, FolderOpened, Grid, Headset, HomeFilled, Menu, Notification, Picture, Reading, Setting,
  Stamp, SwitchButton, Tickets, User, VideoPlay,
} from '@element-plus/icons-vue'
