package store

import (
	"sync"

	"gorm.io/gorm"
)

// TxMemo remembers small values read inside one transaction, so the steps
// of one action (a submit's route, its attendance claim, its first task's
// deadline) read a row once instead of once each: the calendar version,
// a template's SLA hours. Only inside a transaction (outside one every call
// reads afresh): there the value is the one the transaction saw first,
// which is what reading it at the transaction's first step would give.
//
// It keeps the values of the last txMemoSize transactions. Holding their
// *sql.Tx keeps those from being freed, so a new transaction can never be
// taken for an old one at the same address.
var TxMemo = &txMemo{byTx: map[gorm.ConnPool]map[string]any{}}

const txMemoSize = 256

type txMemo struct {
	mu    sync.Mutex
	byTx  map[gorm.ConnPool]map[string]any
	order [txMemoSize]gorm.ConnPool
	next  int
}

func txOf(db *gorm.DB) gorm.ConnPool {
	if db == nil || db.Statement == nil {
		return nil
	}
	if _, ok := db.Statement.ConnPool.(gorm.TxCommitter); !ok {
		return nil
	}
	return db.Statement.ConnPool
}

// Load returns what Store kept under key for db's transaction.
func (m *txMemo) Load(db *gorm.DB, key string) (any, bool) {
	tx := txOf(db)
	if tx == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.byTx[tx][key]
	return v, ok
}

// Store keeps v under key for db's transaction (nothing outside one).
func (m *txMemo) Store(db *gorm.DB, key string, v any) {
	tx := txOf(db)
	if tx == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	vals := m.byTx[tx]
	if vals == nil {
		if old := m.order[m.next]; old != nil {
			delete(m.byTx, old)
		}
		m.order[m.next] = tx
		m.next = (m.next + 1) % txMemoSize
		vals = map[string]any{}
		m.byTx[tx] = vals
	}
	vals[key] = v
}

// Forget drops key for db's transaction (a write in it changed the value).
func (m *txMemo) Forget(db *gorm.DB, key string) {
	tx := txOf(db)
	if tx == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.byTx[tx], key)
}
