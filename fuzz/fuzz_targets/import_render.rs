//! Raw bytes → importer → policy file → parser → renderer, plus the renderer
//! on the raw text itself. None of it may panic, and whatever the importer
//! produces must be a valid policy file whose HTML has no live markup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privacy_center_core::import::{import, ImportOptions};
use privacy_center_core::policy::PolicyFile;
use privacy_center_core::render::render;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(r) = render(text) {
            assert!(!r.html.contains("<script"), "{}", r.html);
        }
    }
    let Ok(imported) = import(data, &ImportOptions { app_name: Some("测试".into()) }) else {
        return;
    };
    let file = imported.to_policy_file("fuzz");
    let parsed = PolicyFile::parse(&file).expect("the importer writes valid policy files");
    if let Ok(r) = render(&parsed.markdown) {
        assert!(!r.html.contains("<script"), "{}", r.html);
    }
});
