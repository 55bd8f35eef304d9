//! The customer pages' reader (see `lianjie::reader`): no Leptos, so a small download.
fn main() {
    lianjie::reader::start();
}
