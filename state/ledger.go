package state

import (
	"encoding/json"
	"errors"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Digest is one digest that was delivered (or written to a file).
type Digest struct {
	MessageID string    `json:"message_id"`
	Sent      time.Time `json:"sent"`
	Items     int       `json:"items"`
	To        []string  `json:"to,omitempty"`
	File      string    `json:"file,omitempty"` // set when written with --out instead of sent
}

// Sent reports whether the document id was already in a digest.
func (s *Store) Sent(id string) (bool, error) {
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketLedger); b != nil {
			found = b.Get([]byte(id)) != nil
		}
		return nil
	})
	return found, err
}

// RecordDigest records a delivered digest and every document id in it, and takes them out of the
// outbox, in one transaction.
func (s *Store) RecordDigest(d Digest, ids []string) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	stamp := []byte(d.Sent.UTC().Format(time.RFC3339Nano))
	return s.update(func(tx *bolt.Tx) error {
		l, o := tx.Bucket(bucketLedger), tx.Bucket(bucketOutbox)
		for _, id := range ids {
			if err := l.Put([]byte(id), stamp); err != nil {
				return err
			}
			if err := o.Delete([]byte(id)); err != nil {
				return err
			}
		}
		key := []byte(d.Sent.UTC().Format(time.RFC3339Nano) + " " + d.MessageID)
		return tx.Bucket(bucketDigests).Put(key, raw)
	})
}

// keyOutboxFilled, in the meta bucket, says the outbox holds every due document: set once the
// first digest after the upgrade to schema 2 filled it from the index.
var keyOutboxFilled = []byte("outbox_filled")

// Outbox returns the ids of the documents due in the next digest, oldest first, and whether the
// outbox is known complete (false on a store upgraded from schema 1 until FillOutbox ran).
func (s *Store) Outbox() (ids []string, complete bool, err error) {
	type due struct{ id, at string }
	var all []due
	err = s.view(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil && m.Get(keyOutboxFilled) != nil {
			complete = true
		}
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			all = append(all, due{string(k), string(v)})
			return nil
		})
	})
	sort.SliceStable(all, func(i, j int) bool { return all[i].at < all[j].at })
	for _, d := range all {
		ids = append(ids, d.id)
	}
	return ids, complete, err
}

// FillOutbox puts the ids the ledger lacks in the outbox and marks it complete, in one
// transaction: for a store that kept no outbox before.
func (s *Store) FillOutbox(ids []string, at time.Time) (added int, err error) {
	if s.readOnly {
		return 0, errors.New("state: read-only store")
	}
	stamp := []byte(at.UTC().Format(time.RFC3339Nano))
	err = s.update(func(tx *bolt.Tx) error {
		l, o := tx.Bucket(bucketLedger), tx.Bucket(bucketOutbox)
		for _, id := range ids {
			if l.Get([]byte(id)) != nil || o.Get([]byte(id)) != nil {
				continue
			}
			if err := o.Put([]byte(id), stamp); err != nil {
				return err
			}
			added++
		}
		return tx.Bucket(bucketMeta).Put(keyOutboxFilled, stamp)
	})
	return added, err
}

// Drain removes ids from the outbox without sending them (documents no longer due, such as
// those below the digest's min_score).
func (s *Store) Drain(ids []string) error {
	return s.update(func(tx *bolt.Tx) error {
		o := tx.Bucket(bucketOutbox)
		for _, id := range ids {
			if err := o.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Baseline records ids as sent without a digest and empties them from the outbox, in one
// transaction, and marks the outbox complete: how digests start on an existing index.
func (s *Store) Baseline(ids []string, at time.Time) (int, error) {
	stamp := []byte(at.UTC().Format(time.RFC3339Nano))
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		l, o := tx.Bucket(bucketLedger), tx.Bucket(bucketOutbox)
		n = 0
		for _, id := range ids {
			if err := o.Delete([]byte(id)); err != nil {
				return err
			}
			if l.Get([]byte(id)) != nil {
				continue
			}
			if err := l.Put([]byte(id), stamp); err != nil {
				return err
			}
			n++
		}
		return tx.Bucket(bucketMeta).Put(keyOutboxFilled, stamp)
	})
	return n, err
}

// LastDigest returns the most recent digest recorded; ok is false when none was ever sent.
func (s *Store) LastDigest() (d Digest, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDigests)
		if b == nil {
			return nil
		}
		_, v := b.Cursor().Last()
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &d)
	})
	return d, ok, err
}
