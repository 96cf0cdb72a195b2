//! What the attributes expand to. The generated code names the runtime only
//! through `<fastboot>::__private` (and `Archived`, `init`), whose items
//! are versioned with this crate: `fastboot` depends on the exact version
//! of `fastboot-macros` and `fastboot-core`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{ItemFn, Path, Type};

/// The function `item`, returning `&'static Archived<ty>`, with the frozen
/// static behind it; `krate` is the path of the `fastboot` crate.
pub fn frozen(krate: &Path, item: &ItemFn, ty: &Type) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    let ident = &sig.ident;
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let definition = definition_hash(item);

    // Errors about the return type point at all of it: the tokens around it
    // take the spans of its first and last tokens (`Span::join` is unstable).
    let (first, last) = first_last_spans(ty);
    let open = quote_spanned!(first=> <);
    let close = quote_spanned!(last=> >);
    let krate_first = respanned(krate, first);
    let archived_ref = quote_spanned!(first=> &'static #krate_first::Archived);
    let frozen = quote_spanned!(first=> #krate_first::__private::Frozen);
    let checked = quote_spanned!(last=> as __FastbootFreezable>::Value);
    let checked = quote!(#open #ty #checked);

    // Items are not allowed in `impl` blocks: this `use` makes a frozen
    // function inside one an error at the attribute.
    let module_level_only = quote_spanned!(Span::call_site()=>
        #[allow(unused_imports)]
        use #krate::__private::frozen_functions_belong_to_a_module_not_an_impl as _;
    );
    quote! {
        #module_level_only

        #(#attrs)*
        #vis fn #ident() -> #archived_ref #open #ty #close {
            // A return type that cannot be frozen is an error saying so, at
            // the return type, from the static's type below (rkyv's own error
            // about the signature comes first if `Archive` is missing).
            #[diagnostic::on_unimplemented(
                message = "`{Self}` cannot be frozen: it is not archivable with rkyv",
                label = "the return type of a #[fastboot::frozen] function must be archivable with rkyv",
                note = "derive `rkyv::Archive` and `rkyv::Serialize` for `{Self}`, or return a type that rkyv archives: `String`, `Vec`, `BTreeMap`, `HashMap`, tuples, ..."
            )]
            trait __FastbootFreezable {
                type Value;
            }

            // Not looked through: the error names `__FastbootFreezable`, not
            // one of rkyv's serializer traits.
            #[diagnostic::do_not_recommend]
            impl<T> __FastbootFreezable for T
            where
                for<'a> &'a #krate::__private::Freeze<'a, T>: #krate::__private::FreezePlain,
            {
                type Value = T;
            }

            fn __fastboot_compute() -> #ty #block

            fn __fastboot_archive(value: &#ty) -> #krate::__private::ArchiveResult {
                #[allow(unused_imports)]
                use #krate::__private::{FreezePlain as _, FreezeSorted as _};

                // Chosen only when neither of the above applies, that is when
                // the type cannot be frozen, which `__FastbootFreezable`
                // already reports: this keeps it from being reported here too.
                #[allow(dead_code)]
                trait __FastbootNotFreezable {
                    fn archive(&mut self) -> #krate::__private::ArchiveResult;
                }
                impl<T> __FastbootNotFreezable for &#krate::__private::Freeze<'_, T> {
                    fn archive(&mut self) -> #krate::__private::ArchiveResult {
                        ::core::unreachable!()
                    }
                }

                (&#krate::__private::Freeze(value)).archive()
            }

            fn __fastboot_touch() {
                __FASTBOOT_FROZEN.get(__fastboot_compute, __fastboot_archive);
            }

            static __FASTBOOT_FROZEN: #frozen #open #checked #close =
                #krate::__private::Frozen::new(
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #definition,
                    __fastboot_touch,
                );

            #krate::__private::register!((#krate::__private) __FASTBOOT_FROZEN);

            __FASTBOOT_FROZEN.get(__fastboot_compute, __fastboot_archive)
        }
    }
}

/// The tokens of `path`, all with `span`: errors about what is named
/// through it then point where `span` does.
fn respanned(path: &Path, span: Span) -> TokenStream {
    path.to_token_stream()
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

/// The spans of the first and last tokens of `tokens`.
fn first_last_spans(tokens: &impl ToTokens) -> (Span, Span) {
    let mut spans = tokens
        .to_token_stream()
        .into_iter()
        .map(|token| token.span());
    let first = spans.next().unwrap_or_else(Span::call_site);
    (first, spans.last().unwrap_or(first))
}

/// A hash of the function's signature and body, part of its fingerprint: a
/// snapshot frozen from another definition is not thawed.
fn definition_hash(item: &ItemFn) -> u64 {
    let text = format!(
        "{} {}",
        item.sig.to_token_stream(),
        item.block.to_token_stream()
    );
    // FNV-1a: stable across compiler versions, unlike `DefaultHasher`.
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `main` with a call to `init()` first; `krate` is the path of the
/// `fastboot` crate.
pub fn main(krate: &Path, mut item: ItemFn) -> TokenStream {
    let init = syn::parse_quote_spanned!(Span::call_site()=> #krate::init(););
    item.block.stmts.insert(0, init);
    item.into_token_stream()
}
