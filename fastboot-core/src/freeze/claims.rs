//! [`Claim`]: which thread of a freeze run computes which frozen static, so
//! that a thread needing a static another is computing waits for it, and a
//! cycle of threads waiting for each other is reported, never a deadlock.
//!
//! A cycle within one thread is caught before (see `frozen::InProgress`);
//! here the cycle runs through several threads: each waits for a static
//! that another thread claimed, and the last waits for one of the first's.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

use crate::registry::Entry;

/// Who computes what, and who waits for what.
#[derive(Default)]
struct Claims {
    /// Each claimed entry, with the thread computing it.
    owners: Vec<(&'static Entry, ThreadId)>,
    /// Each waiting thread, with the entry it waits for.
    waiting: Vec<(ThreadId, &'static Entry)>,
}

static CLAIMS: Mutex<Claims> = Mutex::new(Claims {
    owners: Vec::new(),
    waiting: Vec::new(),
});
static RELEASED: Condvar = Condvar::new();

/// The right of this thread to compute an entry, until dropped.
#[derive(Debug)]
pub(crate) struct Claim(&'static Entry);

impl Claim {
    /// Claims `entry` for this thread, first waiting while another thread
    /// holds it.
    ///
    /// # Errors
    /// The cycle, entry by entry, if that thread waits (through others,
    /// maybe) for an entry this thread holds: waiting would never end.
    pub(crate) fn acquire(entry: &'static Entry) -> Result<Self, Vec<&'static Entry>> {
        let me = thread::current().id();
        let mut claims = lock();
        while claims.owner(entry).is_some() {
            if let Some(cycle) = claims.cycle(entry, me) {
                return Err(cycle);
            }
            claims.waiting.push((me, entry));
            claims = RELEASED
                .wait(claims)
                .unwrap_or_else(PoisonError::into_inner);
            claims.waiting.retain(|(thread, _)| *thread != me);
        }
        claims.owners.push((entry, me));
        Ok(Claim(entry))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        lock()
            .owners
            .retain(|(entry, _)| !std::ptr::eq(*entry, self.0));
        RELEASED.notify_all();
    }
}

impl Claims {
    fn owner(&self, entry: &Entry) -> Option<ThreadId> {
        let mut owners = self.owners.iter();
        owners
            .find(|(e, _)| std::ptr::eq(*e, entry))
            .map(|&(_, owner)| owner)
    }

    /// The cycle, if following who holds `wanted`, what that thread waits
    /// for, who holds that, and so on, leads back to thread `me`: the
    /// entries each of those threads holds, from the one wanted from it to
    /// the one it is computing, each needing the next, the last needing
    /// `wanted`.
    fn cycle(&self, wanted: &'static Entry, me: ThreadId) -> Option<Vec<&'static Entry>> {
        let mut cycle = Vec::new();
        let mut entry = wanted;
        // Each thread waits for one entry: a chain longer than the threads
        // waiting, plus one, loops without reaching `me`.
        for _ in 0..=self.waiting.len() {
            let owner = self.owner(entry)?;
            let held = self.owners.iter().filter(|(_, thread)| *thread == owner);
            let held = held
                .map(|&(e, _)| e)
                .skip_while(|e| !std::ptr::eq(*e, entry));
            cycle.extend(held);
            if owner == me {
                return Some(cycle);
            }
            let mut waiting = self.waiting.iter();
            entry = waiting.find(|(thread, _)| *thread == owner)?.1;
        }
        None
    }
}

fn lock() -> MutexGuard<'static, Claims> {
    CLAIMS.lock().unwrap_or_else(PoisonError::into_inner)
}
