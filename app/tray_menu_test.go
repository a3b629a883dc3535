package app

import (
	"testing"

	"tack/backend/syncagent"
)

func TestTraySyncItems(t *testing.T) {
	two := []syncagent.PairStatus{{}, {}}
	held := []syncagent.PairStatus{{PendingDelete: 120}, {}}
	scenarios := []struct {
		name, lang string
		ov         SyncOverview
		err        error
		want       syncItems
	}{
		{"no engine", langEN, SyncOverview{}, errNoEngine, syncItems{Status: "Sync: not running", Pause: "Pause sync"}},
		{"no pairs", langEN, SyncOverview{Overall: syncagent.StateSynced}, nil, syncItems{Status: "Sync: no folders", Pause: "Pause sync"}},
		{"syncing", langEN, SyncOverview{Overall: syncagent.StateSyncing, Pairs: two}, nil, syncItems{Status: "Sync: syncing (2 folders)", Pause: "Pause sync", Enabled: true}},
		{"paused", langEN, SyncOverview{Overall: syncagent.StatePaused, Pairs: two}, nil, syncItems{Status: "Sync: paused (2 folders)", Pause: "Resume sync", Enabled: true, Paused: true}},
		{"held deletes", langEN, SyncOverview{Overall: syncagent.StateNeedsConfirmation, Pairs: held}, nil,
			syncItems{Status: "Sync: 120 deletes wait for your confirmation (open to review)", Pause: "Pause sync", Enabled: true}},
		{"stopped", langEN, SyncOverview{Overall: syncagent.StateStopped, Pairs: []syncagent.PairStatus{{State: syncagent.StateStopped}, {PendingDelete: 3}}}, nil,
			syncItems{Status: "Sync: 1 folders stopped syncing (open to see why)", Pause: "Pause sync", Enabled: true}},
		{"未能备份", langZH, SyncOverview{Overall: syncagent.StateSynced, Pairs: []syncagent.PairStatus{{Skipped: []syncagent.SkippedItem{
			{Path: "a.pst", Reason: syncagent.SkipLocked}, {Path: "b", Reason: syncagent.SkipUnreadable}, {Path: "l", Reason: syncagent.SkipSymlink}}},
			{Skipped: []syncagent.SkippedItem{{Path: "p", Reason: syncagent.SkipSpecial}}}}}, nil,
			syncItems{Status: "同步：3 个文件未能备份（点击查看）", Pause: "暂停同步", Enabled: true}},
		{"已停止", langZH, SyncOverview{Overall: syncagent.StateStopped, Pairs: []syncagent.PairStatus{{State: syncagent.StateStopped}}}, nil,
			syncItems{Status: "同步：1 个文件夹已停止同步（点击查看）", Pause: "暂停同步", Enabled: true}},
		{"改写", langZH, SyncOverview{Overall: syncagent.StateNeedsConfirmation, Pairs: []syncagent.PairStatus{{PendingOverwrite: 250}, {PendingDelete: 3}}}, nil,
			syncItems{Status: "同步：250 个文件同时被改写，等待你确认（点击查看）", Pause: "暂停同步", Enabled: true}},
		{"没有引擎", langZH, SyncOverview{}, errNoEngine, syncItems{Status: "同步：未运行", Pause: "暂停同步"}},
		{"已是最新", langZH, SyncOverview{Overall: syncagent.StateSynced, Pairs: two}, nil, syncItems{Status: "同步：已是最新（2 个文件夹）", Pause: "暂停同步", Enabled: true}},
		{"已暂停", langZH, SyncOverview{Overall: syncagent.StatePaused, Pairs: two}, nil, syncItems{Status: "同步：已暂停（2 个文件夹）", Pause: "继续同步", Enabled: true, Paused: true}},
		{"等待确认", langZH, SyncOverview{Overall: syncagent.StateNeedsConfirmation, Pairs: held}, nil,
			syncItems{Status: "同步：120 个删除等待你确认（点击查看）", Pause: "暂停同步", Enabled: true}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := syncMenu(s.lang, s.ov, s.err); got != s.want {
				t.Fatalf("got %+v, want %+v", got, s.want)
			}
		})
	}
}
