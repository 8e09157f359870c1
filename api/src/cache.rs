//! A small in-memory read cache in front of database rows that only this
//! process changes (sessions, consent chain heads), so hot reads such as
//! `GET /api/me` need no database round trip. The database stays the record:
//! a miss reads it, and a restart starts empty. On PostgreSQL, where other
//! instances change the same rows, the caches are made with no room
//! (`Store::cache_capacity`) and every read goes to the database.
//!
//! Filling after a miss races with changes: a reader may fetch a row, the
//! row may then change or be deleted and be invalidated here, and only then
//! the reader stores what it fetched. So every invalidation bumps an epoch,
//! and [`EpochCache::fill`] stores only when the epoch is the one the reader
//! saw *before* it read the database.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// See the module documentation.
#[derive(Debug)]
pub struct EpochCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
}

#[derive(Debug)]
struct Inner<K, V> {
    map: HashMap<K, V>,
    epoch: u64,
}

impl<K: Eq + Hash, V: Clone> EpochCache<K, V> {
    /// An empty cache holding at most `capacity` entries (when full it is
    /// emptied, which costs only misses); with 0 it holds nothing and every
    /// read goes to the database.
    pub fn new(capacity: usize) -> Self {
        EpochCache {
            inner: Mutex::new(Inner {
                map: HashMap::new(),
                epoch: 0,
            }),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        // A panic while holding the lock cannot leave the map half-changed
        // in a way that matters: every entry is a copy of a database row.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached value, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        self.lock().map.get(key).cloned()
    }

    /// Read before a database read whose result goes to [`EpochCache::fill`].
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Stores what a reader fetched, unless anything was invalidated since
    /// it took `epoch`, or a value is already there (the writer's is newer).
    pub fn fill(&self, epoch: u64, key: K, value: V) {
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return;
        }
        if self.make_room(&mut inner) {
            inner.map.entry(key).or_insert(value);
        }
    }

    /// Stores the value the one writer has just committed.
    pub fn set(&self, key: K, value: V) {
        let mut inner = self.lock();
        if self.make_room(&mut inner) {
            inner.map.insert(key, value);
        }
    }

    /// Changes a cached value in place, if there is one.
    pub fn update(&self, key: &K, f: impl FnOnce(&mut V)) {
        if let Some(v) = self.lock().map.get_mut(key) {
            f(v);
        }
    }

    /// Forgets one entry (after its row was deleted or changed).
    pub fn invalidate(&self, key: &K) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.remove(key);
    }

    /// Forgets everything (when it is unknown what changed).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.map.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether an entry may be stored now; makes room if needed.
    fn make_room(&self, inner: &mut Inner<K, V>) -> bool {
        if self.capacity == 0 {
            return false;
        }
        if inner.map.len() >= self.capacity {
            inner.epoch += 1;
            inner.map.clear();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fill_after_an_invalidation_is_dropped() {
        let c = EpochCache::new(10);
        let seen = c.epoch();
        // The row changes and is invalidated while the reader is reading it.
        c.invalidate(&"k");
        c.fill(seen, "k", 1);
        assert_eq!(c.get(&"k"), None);
        c.fill(c.epoch(), "k", 2);
        assert_eq!(c.get(&"k"), Some(2));
    }

    #[test]
    fn a_cache_of_no_room_keeps_nothing() {
        let c = EpochCache::new(0);
        c.set("k", 1);
        c.fill(c.epoch(), "j", 2);
        assert_eq!((c.get(&"k"), c.get(&"j")), (None, None));
    }

    #[test]
    fn a_fill_never_overwrites_the_writer() {
        let c = EpochCache::new(10);
        let seen = c.epoch();
        c.set("k", 2);
        c.fill(seen, "k", 1);
        assert_eq!(c.get(&"k"), Some(2));
        c.update(&"k", |v| *v += 1);
        assert_eq!(c.get(&"k"), Some(3));
    }

    #[test]
    fn a_full_cache_empties_and_refuses_fills_begun_before() {
        let c = EpochCache::new(2);
        c.set("a", 1);
        c.set("b", 2);
        let seen = c.epoch();
        c.set("c", 3);
        assert_eq!(c.len(), 1);
        c.fill(seen, "a", 0);
        assert_eq!(c.get(&"a"), None, "filled across the emptying");
        c.clear();
        assert!(c.is_empty());
    }
}
