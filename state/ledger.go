package state

import (
	"encoding/json"
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
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketLedger); b != nil {
			found = b.Get([]byte(id)) != nil
		}
		return nil
	})
	return found, err
}

// RecordDigest records a delivered digest and every document id in it, in one transaction.
func (s *Store) RecordDigest(d Digest, ids []string) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	stamp := []byte(d.Sent.UTC().Format(time.RFC3339Nano))
	return s.db.Update(func(tx *bolt.Tx) error {
		l := tx.Bucket(bucketLedger)
		for _, id := range ids {
			if err := l.Put([]byte(id), stamp); err != nil {
				return err
			}
		}
		key := []byte(d.Sent.UTC().Format(time.RFC3339Nano) + " " + d.MessageID)
		return tx.Bucket(bucketDigests).Put(key, raw)
	})
}

// LastDigest returns the most recent digest recorded; ok is false when none was ever sent.
func (s *Store) LastDigest() (d Digest, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
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
