//! `forward_to_inner!()` inside `impl Store for W` forwards every required `Store` method but the two
//! writes (`update_user`, `update_unknown`) to `self.inner`: a test store wrapper writes only what it
//! changes. The caller imports the types the signatures name.

macro_rules! forward_to_inner {
    () => {
        fn get_account(&self, account_id: &str) -> Result<Option<AccountRecord>> {
            self.inner.get_account(account_id)
        }
        fn put_account(&self, record: &AccountRecord, event: &NewEvent) -> Result<()> {
            self.inner.put_account(record, event)
        }
        fn insert_user(&self, user: &UserRecord, events: &[NewEvent]) -> Result<()> {
            self.inner.insert_user(user, events)
        }
        fn get_user(&self, user_id: &str) -> Result<Option<UserRecord>> {
            self.inner.get_user(user_id)
        }
        fn delete_user(&self, user_id: &str) -> Result<bool> {
            self.inner.delete_user(user_id)
        }
        fn list_users(&self, account_id: &str) -> Result<Vec<String>> {
            self.inner.list_users(account_id)
        }
        fn user_ids_after(&self, after: Option<&str>, limit: usize) -> Result<UserIdPage> {
            self.inner.user_ids_after(after, limit)
        }
        fn get_challenge(&self, token_hash: &[u8; 32]) -> Result<Option<ChallengeRecord>> {
            self.inner.get_challenge(token_hash)
        }
        fn events(&self, user_id: &str, limit: usize) -> Result<Vec<Event>> {
            self.inner.events(user_id, limit)
        }
        fn account_events(&self, account_id: &str, limit: usize) -> Result<Vec<AuditEntry>> {
            self.inner.account_events(account_id, limit)
        }
        fn purge_events(&self, before: u64) -> Result<u64> {
            self.inner.purge_events(before)
        }
        fn append_event(&self, event: &NewEvent) -> Result<()> {
            self.inner.append_event(event)
        }
        fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
            self.inner.get_meta(key)
        }
        fn init_meta(&self, key: &str, value: &[u8]) -> Result<Vec<u8>> {
            self.inner.init_meta(key, value)
        }
        fn set_meta(&self, key: &str, value: Option<&[u8]>) -> Result<()> {
            self.inner.set_meta(key, value)
        }
    };
}
