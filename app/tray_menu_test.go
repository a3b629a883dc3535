package app

import (
	"testing"

	tsync "tack/backend/sync"
)

func TestTraySyncItems(t *testing.T) {
	two := []tsync.PairStatus{{}, {}}
	held := []tsync.PairStatus{{PendingDelete: 120}, {}}
	scenarios := []struct {
		name, lang string
		ov         SyncOverview
		err        error
		want       syncItems
	}{
		{"no engine", langEN, SyncOverview{}, errNoEngine, syncItems{Status: "Sync: not running", Pause: "Pause sync"}},
		{"no pairs", langEN, SyncOverview{Overall: tsync.StateSynced}, nil, syncItems{Status: "Sync: no folders", Pause: "Pause sync"}},
		{"syncing", langEN, SyncOverview{Overall: tsync.StateSyncing, Pairs: two}, nil, syncItems{Status: "Sync: syncing (2 folders)", Pause: "Pause sync", Enabled: true}},
		{"paused", langEN, SyncOverview{Overall: tsync.StatePaused, Pairs: two}, nil, syncItems{Status: "Sync: paused (2 folders)", Pause: "Resume sync", Enabled: true, Paused: true}},
		{"held deletes", langEN, SyncOverview{Overall: tsync.StateNeedsConfirmation, Pairs: held}, nil,
			syncItems{Status: "Sync: 120 deletes wait for your confirmation (open to review)", Pause: "Pause sync", Enabled: true}},
		{"没有引擎", langZH, SyncOverview{}, errNoEngine, syncItems{Status: "同步：未运行", Pause: "暂停同步"}},
		{"已是最新", langZH, SyncOverview{Overall: tsync.StateSynced, Pairs: two}, nil, syncItems{Status: "同步：已是最新（2 个文件夹）", Pause: "暂停同步", Enabled: true}},
		{"已暂停", langZH, SyncOverview{Overall: tsync.StatePaused, Pairs: two}, nil, syncItems{Status: "同步：已暂停（2 个文件夹）", Pause: "继续同步", Enabled: true, Paused: true}},
		{"等待确认", langZH, SyncOverview{Overall: tsync.StateNeedsConfirmation, Pairs: held}, nil,
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
