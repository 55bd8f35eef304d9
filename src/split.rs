//! Code that is loaded when it is first needed. With the `split` feature (the
//! workbench's Trunk build), each function declared with [`split_fn!`] is cut into a
//! WebAssembly module of its own by `scripts/wasm-link.sh`, fetched the first time it
//! is called; without it (tests, `cargo check`), it is an ordinary `async fn`, so the
//! callers are the same either way.
//!
//! A module's name is its area. Areas named `embedded_*` are the ones a workbench on the
//! reference server never opens (the in-browser backend, and the whole app's customer
//! pages, which the server answers with its slim build): the service worker does not
//! keep them for it (`scripts/trunk-split.mjs` marks them so in the build's
//! `areas-<hash>.json`).

pub use leptos::wasm_split::SplitLoaderError;

/// `split_fn!(module, fn name(args) -> T { body })` declares
/// `async fn name(args) -> Result<T, SplitLoaderError>`, which loads `module` first
/// (the error is a module that did not arrive: offline, or a failed request; calling
/// again tries again).
macro_rules! split_fn {
    ($module:ident, $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block) => {
        // `Ok({ .. })`: the body is the caller's block.
        #[allow(unused_braces)]
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name($($arg: $ty),*) -> Result<$out, $crate::split::SplitLoaderError> {
            Ok($body)
        }
        #[allow(unused_braces)]
        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> Result<$out, $crate::split::SplitLoaderError> {
            Ok($body)
        }
    };
}
pub(crate) use split_fn;
