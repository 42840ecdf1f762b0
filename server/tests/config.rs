//! The example configuration shipped in the repo loads (its own process: it sets env vars).

#[test]
fn the_example_config_in_the_repo_parses_with_its_secrets_from_the_environment() {
    // SAFETY: set before any other thread of this test reads the environment.
    unsafe {
        std::env::set_var("YCLIENTS_PARTNER_TOKEN", "partner-example");
        std::env::set_var("YCLIENTS_USER_TOKEN", "user-example");
        std::env::set_var("ZAPIS_WEBHOOK_SECRET_LEN", "a-long-enough-webhook-secret");
        std::env::set_var("YCLIENTS_CRM_TOKEN_LEN", "crm-token-example");
        std::env::set_var("ZAPIS_PBX_SECRET_LEN", "a-long-enough-pbx-secret");
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("zapis.example.toml");
    let settings = zapis::config::Settings::load(&path).expect("the example config loads");
    assert_eq!(settings.sites[0].key, "salon-len");
    assert!(settings.networks[0].partner_token.is_some());
    assert!(settings.networks[0].crm_token.is_some());
    let calls = settings.sites[0].calls.as_ref().expect("call tracking");
    assert!(calls.pbx_secret.is_some() && calls.pool.len() == 3);
    let debug = format!("{settings:?}");
    assert!(
        !debug.contains("partner-example")
            && !debug.contains("a-long-enough-webhook-secret")
            && !debug.contains("crm-token-example")
            && !debug.contains("a-long-enough-pbx-secret"),
        "secrets leak into Debug"
    );
}
