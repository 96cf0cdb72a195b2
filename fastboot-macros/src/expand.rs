//! What the attributes expand to. The generated code names the runtime only
//! through `<fastboot>::__private` (and `Archived`, `init`), whose items
//! are versioned with this crate: `fastboot` depends on the exact version
//! of `fastboot-macros` and `fastboot-core`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Ident, ItemFn, Path, Type};

use crate::args::{Args, Mode};
use crate::wrapper;

/// The function `item`, returning a reference to its value kept as
/// `args` say, with the frozen static behind it.
pub fn frozen(args: &Args, item: &ItemFn, ty: &Type) -> syn::Result<TokenStream> {
    let krate = &args.krate;
    let mode = args.mode.map_or(Mode::ZeroCopy, |(mode, _)| mode);
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
    let wrapper = match mode {
        Mode::ZeroCopy | Mode::Deserialize => wrapper::for_type(krate, ty)?,
        Mode::Serde => None,
    };

    // Errors about the return type point at all of it: the tokens around it
    // take the spans of its first and last tokens (`Span::join` is unstable).
    let (first, last) = first_last_spans(ty);
    let open = quote_spanned!(first=> <);
    let close = quote_spanned!(last=> >);
    let krate_first = respanned(krate, first);
    let private = quote!(#krate::__private);
    let checked = quote_spanned!(last=> as __FastbootCheck>::Value);
    let checked = quote!(#open #ty #checked);

    // What the function returns a reference to, the mode's type, how the
    // value is encoded for a snapshot, and what the type must satisfy.
    let (output, mode_type, encode, check) = match mode {
        Mode::ZeroCopy | Mode::Deserialize => {
            let mode_name = mode_type_name(mode);
            let output = match (mode, &wrapper) {
                (Mode::ZeroCopy, None) => {
                    quote_spanned!(first=> #krate_first::Archived #open #ty #close)
                }
                (Mode::ZeroCopy, Some(with)) => {
                    quote_spanned!(first=> #krate_first::ArchivedWith #open #ty, #with #close)
                }
                _ => ty.to_token_stream(),
            };
            let with_argument = wrapper.as_ref().map(|with| quote!(, #with));
            let encode = match &wrapper {
                None => encode_plain(krate),
                Some(with) => encode_as(krate, &quote!(#private::#mode_name<#ty, #with>)),
            };
            (
                output,
                quote_spanned!(first=> #krate_first::__private::#mode_name #open #checked #with_argument #close),
                encode,
                check_rkyv(krate, mode, wrapper.as_ref()),
            )
        }
        Mode::Serde => (
            ty.to_token_stream(),
            quote_spanned!(first=> #krate_first::__private::Serde #open #checked #close),
            encode_as(krate, &quote!(#private::Serde<#ty>)),
            check_serde(krate),
        ),
    };

    // Items are not allowed in `impl` blocks: this `use` makes a frozen
    // function inside one an error at the attribute.
    let module_level_only = quote_spanned!(Span::call_site()=>
        #[allow(unused_imports)]
        use #krate::__private::frozen_functions_belong_to_a_module_not_an_impl as _;
    );
    // What names the mode's type carries the return type's spans, so that
    // an unsatisfied bound is reported there, once.
    let reference = quote_spanned!(first=> &'static);
    let frozen_type =
        quote_spanned!(first=> #krate_first::__private::Frozen #open #mode_type #close);
    let new = quote_spanned!(first=> #krate_first::__private::Frozen::new);
    let get = quote_spanned!(first=> __FASTBOOT_FROZEN.get(__fastboot_compute, __fastboot_encode));
    Ok(quote! {
        #module_level_only

        #(#attrs)*
        #vis fn #ident() -> #reference #output {
            #check

            fn __fastboot_compute() -> #ty #block

            fn __fastboot_encode(
                value: &#ty,
                sink: &mut #private::ArchiveSink,
            ) -> #private::ArchiveResult {
                #encode
            }

            fn __fastboot_touch() {
                __FASTBOOT_FROZEN.freeze(__fastboot_compute, __fastboot_encode);
            }

            // Its type is the user's, nested in the mode's and `Frozen`.
            #[allow(clippy::type_complexity)]
            static __FASTBOOT_FROZEN: #frozen_type = #new(
                ::core::concat!(::core::module_path!(), "::", #name),
                // The version of the crate defining it, which tells apart the
                // entries of one crate linked in two versions.
                match ::core::option_env!("CARGO_PKG_VERSION") {
                    ::core::option::Option::Some(version) => version,
                    ::core::option::Option::None => "",
                },
                #definition,
                __fastboot_touch,
            );

            #private::register!((#private) __FASTBOOT_FROZEN);

            #get
        }
    })
}

fn mode_type_name(mode: Mode) -> Ident {
    let name = match mode {
        Mode::ZeroCopy => "ZeroCopy",
        Mode::Deserialize => "Deserialize",
        Mode::Serde => "Serde",
    };
    Ident::new(name, Span::call_site())
}

/// Archives a value with rkyv deterministically: maps and sets in a
/// canonical order, chosen by type with autoref specialization.
fn encode_plain(krate: &Path) -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use #krate::__private::{FreezePlain as _, FreezeSorted as _};

        // Chosen only when neither of the above applies, that is when
        // the type cannot be frozen, which `__FastbootCheck` already
        // reports: this keeps it from being reported here too.
        #[allow(dead_code)]
        trait __FastbootNotFreezable {
            fn archive(
                &mut self,
                sink: &mut #krate::__private::ArchiveSink,
            ) -> #krate::__private::ArchiveResult;
        }
        impl<T> __FastbootNotFreezable for &#krate::__private::Freeze<'_, T> {
            fn archive(
                &mut self,
                _: &mut #krate::__private::ArchiveSink,
            ) -> #krate::__private::ArchiveResult {
                ::core::unreachable!()
            }
        }

        (&#krate::__private::Freeze(value)).archive(sink)
    }
}

/// Encodes a value as the mode type `mode` does, or, where the type does
/// not fit the mode (which `__FastbootCheck` already reports), through a
/// fallback that keeps that from being reported here too.
fn encode_as(krate: &Path, mode: &TokenStream) -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use #krate::__private::EncodeAs as _;

        #[allow(dead_code)]
        trait __FastbootNotEncodable {
            fn encode(
                &mut self,
                sink: &mut #krate::__private::ArchiveSink,
            ) -> #krate::__private::ArchiveResult;
        }
        impl<M, T> __FastbootNotEncodable for &#krate::__private::Encode<'_, M, T> {
            fn encode(
                &mut self,
                _: &mut #krate::__private::ArchiveSink,
            ) -> #krate::__private::ArchiveResult {
                ::core::unreachable!()
            }
        }

        (&#krate::__private::Encode::<#mode, _>::new(value)).encode(sink)
    }
}

/// The check that a return type can be kept in an rkyv mode, whose failure
/// is an error saying so, at the return type (rkyv's own error about the
/// signature comes first if `Archive` is missing).
fn check_rkyv(krate: &Path, mode: Mode, with: Option<&TokenStream>) -> TokenStream {
    let with = with.map_or_else(|| quote!(#krate::rkyv::with::Identity), Clone::clone);
    let (message, label, note, bound) = match mode {
        Mode::Deserialize => (
            "`{Self}` cannot be frozen with `deserialize`: rkyv cannot archive and deserialize it",
            "the return type of a #[fastboot::frozen(deserialize)] function must be archivable and deserializable with rkyv, and `Send + Sync`",
            "derive `rkyv::Archive`, `rkyv::Serialize` and `rkyv::Deserialize` for `{Self}`, or use the zero-copy mode, `#[fastboot::frozen]`, which needs no `Deserialize`",
            quote!(#krate::__private::Deserialize<T, #with>: #krate::__private::Mode),
        ),
        _ => (
            "`{Self}` cannot be frozen: it is not archivable with rkyv",
            "the return type of a #[fastboot::frozen] function must be archivable with rkyv",
            "derive `rkyv::Archive` and `rkyv::Serialize` for `{Self}`, or return a type that rkyv archives: `String`, `Vec`, `BTreeMap`, `HashMap`, tuples, ...; for serde-only types, use `#[fastboot::frozen(serde)]`",
            quote!(#krate::__private::ZeroCopy<T, #with>: #krate::__private::Mode),
        ),
    };
    check_trait(message, label, note, &bound)
}

/// The check that a return type can be kept in serde mode, after the check
/// that serde mode is there at all.
fn check_serde(krate: &Path) -> TokenStream {
    let feature = quote! {
        const _: () = {
            fn serde_mode_is_enabled<T: #krate::__private::SerdeFeature>() {}
            let _ = serde_mode_is_enabled::<()>;
        };
    };
    let check = check_trait(
        "`{Self}` cannot be frozen with `serde`: it is not `serde::Serialize + serde::de::DeserializeOwned + Send + Sync`",
        "the return type of a #[fastboot::frozen(serde)] function must implement `serde::Serialize` and `serde::de::DeserializeOwned`",
        "derive `serde::Serialize` and `serde::Deserialize` for `{Self}` (a type borrowing `&'static str` cannot be deserialized into with serde: use `String`, or `#[fastboot::frozen(deserialize)]`, which borrows from the snapshot)",
        &quote!(#krate::__private::Serde<T>: #krate::__private::Mode),
    );
    quote!(#feature #check)
}

fn check_trait(message: &str, label: &str, note: &str, bound: &TokenStream) -> TokenStream {
    quote! {
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        trait __FastbootCheck {
            type Value;
        }

        // Not looked through: the error names `__FastbootCheck`, not one of
        // rkyv's or serde's traits.
        #[diagnostic::do_not_recommend]
        impl<T> __FastbootCheck for T
        where
            #bound,
        {
            type Value = T;
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
