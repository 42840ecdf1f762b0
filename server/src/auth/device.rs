//! "Known device": after a successful login the browser keeps a signed cookie naming the login,
//! the owner's epoch and the password it was made under. With it, the login is counted on its own
//! and never slowed by strangers' failures; "sign out everywhere" or a new password voids it.

use super::keys::ServerKeys;

pub const COOKIE: &str = "zapis_device";
/// A browser stays known for half a year after its last login.
pub const LIFETIME_MS: i64 = 183 * 24 * 3600 * 1000;

/// A short keyed tag of the owner's password hash: changes when the password does.
pub fn password_tag(keys: &ServerKeys, password_hash: &str) -> String {
    keys.mac("password-hash", &[password_hash])[..32].to_owned()
}

fn mac(keys: &ServerKeys, login: &str, epoch: i64, expires: i64, pw_tag: &str) -> String {
    keys.mac(
        "known-device-cookie",
        &[login, &epoch.to_string(), &expires.to_string(), pw_tag],
    )
}

/// The cookie's value for `login` (a login key).
pub fn issue(keys: &ServerKeys, login: &str, epoch: i64, pw_tag: &str, now: i64) -> String {
    let expires = now + LIFETIME_MS;
    format!(
        "{}.{epoch}.{expires}.{}",
        hex::encode(login),
        mac(keys, login, epoch, expires, pw_tag)
    )
}

/// The device id (its signature) when `value` is a live cookie of `login` under this epoch and
/// password.
pub fn verify(
    keys: &ServerKeys,
    value: &str,
    login: &str,
    epoch: i64,
    pw_tag: &str,
    now: i64,
) -> Option<String> {
    let mut it = value.split('.');
    let (who, ep, exp, sig) = (it.next()?, it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || hex::decode(who).ok()? != login.as_bytes() {
        return None;
    }
    let (ep, exp): (i64, i64) = (ep.parse().ok()?, exp.parse().ok()?);
    let want = mac(keys, login, ep, exp, pw_tag);
    (ep == epoch
        && exp > now
        && crate::util::crypto::constant_time_eq(want.as_bytes(), sig.as_bytes()))
    .then(|| sig.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_cookie_holds_only_for_its_login_epoch_password_and_lifetime() {
        let k = ServerKeys::from_bytes([7; 32]);
        let c = issue(&k, "anna", 0, "pw1", 1000);
        assert!(verify(&k, &c, "anna", 0, "pw1", 2000).is_some());
        assert!(verify(&k, &c, "boris", 0, "pw1", 2000).is_none());
        assert!(verify(&k, &c, "anna", 1, "pw1", 2000).is_none());
        assert!(verify(&k, &c, "anna", 0, "pw2", 2000).is_none());
        assert!(verify(&k, &c, "anna", 0, "pw1", 1000 + LIFETIME_MS).is_none());
        assert!(verify(&ServerKeys::from_bytes([8; 32]), &c, "anna", 0, "pw1", 2000).is_none());
        let forged = c.replace(".0.", ".1.");
        assert!(verify(&k, &forged, "anna", 1, "pw1", 2000).is_none());
    }
}
