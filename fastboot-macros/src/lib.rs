//! The attributes of [fastboot](https://docs.rs/fastboot): `#[fastboot::frozen]`
//! and `#[fastboot::main]`. Use them through the `fastboot` crate.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned, ToTokens};
use syn::{parse_macro_input, Error, FnArg, ItemFn, ReturnType, Type};

/// Turns a function computing a value into a frozen static; see the
/// `fastboot` crate for the full story.
///
/// ```ignore
/// #[fastboot::frozen]
/// fn word_index() -> HashMap<String, Vec<u32>> { build_slowly() }
///
/// let index: &'static Archived<HashMap<String, Vec<u32>>> = word_index();
/// ```
///
/// The function must be a free function (in a module, not an `impl`) with
/// no arguments, no generics, not `const`, `async`, `unsafe` or `extern`,
/// returning a named type that rkyv can archive. Anything else is a compile
/// error, at the offending part, saying what to do.
#[proc_macro_attribute]
pub fn frozen(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let item = parse_macro_input!(item as ItemFn);
    match expand_frozen(args, &item) {
        Ok(expanded) => expanded.into(),
        // The function is kept as written, so that its uses do not add
        // errors of their own to this one.
        Err(error) => {
            let mut tokens = error.into_compile_error();
            item.to_tokens(&mut tokens);
            tokens.into()
        }
    }
}

/// Calls `fastboot::init()` before the body of `main`.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let item = parse_macro_input!(item as ItemFn);
    match check_main(args, &item) {
        Ok(()) => expand_main(item).into(),
        // `main` is kept, without its body, so that the crate still has one.
        Err(error) => {
            let mut stub = item;
            stub.sig.inputs.clear();
            *stub.block = syn::parse_quote!({ ::core::unreachable!() });
            let mut tokens = error.into_compile_error();
            stub.to_tokens(&mut tokens);
            tokens.into()
        }
    }
}

fn expand_frozen(args: TokenStream2, item: &ItemFn) -> syn::Result<TokenStream2> {
    if !args.is_empty() {
        return Err(Error::new_spanned(
            args,
            "#[fastboot::frozen] takes no arguments",
        ));
    }
    let ty = check_signature(item)?;
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
    let archived_ref = quote_spanned!(first=> &'static ::fastboot::Archived);
    let frozen = quote_spanned!(first=> ::fastboot::__private::Frozen);
    let checked = quote_spanned!(last=> as __FastbootFreezable>::Value);
    let checked = quote!(#open #ty #checked);

    // Items are not allowed in `impl` blocks: this `use` makes a frozen
    // function inside one an error at the attribute.
    let module_level_only = quote_spanned!(Span::call_site()=>
        #[allow(unused_imports)]
        use ::fastboot::__private::frozen_functions_belong_to_a_module_not_an_impl as _;
    );
    Ok(quote! {
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
                for<'a> &'a ::fastboot::__private::Freeze<'a, T>: ::fastboot::__private::FreezePlain,
            {
                type Value = T;
            }

            fn __fastboot_compute() -> #ty #block

            fn __fastboot_archive(value: &#ty) -> ::fastboot::__private::ArchiveResult {
                #[allow(unused_imports)]
                use ::fastboot::__private::{FreezePlain as _, FreezeSorted as _};

                // Chosen only when neither of the above applies, that is when
                // the type cannot be frozen, which `__FastbootFreezable`
                // already reports: this keeps it from being reported here too.
                #[allow(dead_code)]
                trait __FastbootNotFreezable {
                    fn archive(&mut self) -> ::fastboot::__private::ArchiveResult;
                }
                impl<T> __FastbootNotFreezable for &::fastboot::__private::Freeze<'_, T> {
                    fn archive(&mut self) -> ::fastboot::__private::ArchiveResult {
                        ::core::unreachable!()
                    }
                }

                (&::fastboot::__private::Freeze(value)).archive()
            }

            fn __fastboot_touch() {
                __FASTBOOT_FROZEN.get(__fastboot_compute, __fastboot_archive);
            }

            static __FASTBOOT_FROZEN: #frozen #open #checked #close =
                ::fastboot::__private::Frozen::new(
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #definition,
                    __fastboot_touch,
                );

            ::fastboot::__private::register!((::fastboot::__private) __FASTBOOT_FROZEN);

            __FASTBOOT_FROZEN.get(__fastboot_compute, __fastboot_archive)
        }
    })
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

/// Checks that the function can be frozen, and returns its return type.
fn check_signature(item: &ItemFn) -> syn::Result<&Type> {
    let sig = &item.sig;
    let what = "a #[fastboot::frozen] function";
    if let Some(token) = &sig.constness {
        return Err(Error::new(
            token.span,
            format!("{what} cannot be `const`: its value is thawed or computed at run time"),
        ));
    }
    if let Some(token) = &sig.asyncness {
        return Err(Error::new(
            token.span,
            format!("{what} cannot be `async`: its value is computed once, synchronously"),
        ));
    }
    if let Some(token) = &sig.unsafety {
        return Err(Error::new(
            token.span,
            format!(
                "{what} cannot be `unsafe`: calling it is always safe; \
                 use `unsafe` blocks in its body"
            ),
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(Error::new_spanned(
            abi,
            format!(
                "{what} cannot declare an ABI: remove `{}`",
                abi.to_token_stream()
            ),
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &sig.generics,
            format!("{what} cannot be generic: it defines exactly one value of one type"),
        ));
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        return Err(Error::new_spanned(
            where_clause,
            format!(
                "{what} cannot have a `where` clause: it defines exactly one value of one type"
            ),
        ));
    }
    if let Some(receiver @ FnArg::Receiver(_)) = sig.inputs.first() {
        return Err(Error::new_spanned(
            receiver,
            format!("{what} cannot be a method: move it out of the `impl`, to a module"),
        ));
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        return Err(Error::new_spanned(
            &sig.inputs,
            format!(
                "{what} takes no arguments: its value is computed once, at freeze time; \
                 move the inputs into its body"
            ),
        ));
    }
    match &sig.output {
        ReturnType::Default => Err(Error::new(
            sig.paren_token.span.close(),
            format!("{what} must return the value to freeze, e.g. `-> Vec<String>`"),
        )),
        ReturnType::Type(_, ty) => match &**ty {
            Type::ImplTrait(_) => Err(Error::new_spanned(
                ty,
                format!(
                    "{what} must name its return type, not `impl Trait`: \
                     the value is archived as that type"
                ),
            )),
            Type::Infer(_) | Type::Never(_) => Err(Error::new_spanned(
                ty,
                format!("{what} must return a value that rkyv can archive"),
            )),
            _ => Ok(ty),
        },
    }
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

/// Checks that `#[fastboot::main]` can be applied to `item`.
fn check_main(args: TokenStream2, item: &ItemFn) -> syn::Result<()> {
    if !args.is_empty() {
        return Err(Error::new_spanned(
            args,
            "#[fastboot::main] takes no arguments",
        ));
    }
    if !item.sig.inputs.is_empty() {
        return Err(Error::new_spanned(
            &item.sig.inputs,
            "`main` takes no arguments: read them with `std::env::args()`",
        ));
    }
    Ok(())
}

fn expand_main(mut item: ItemFn) -> TokenStream2 {
    let init = syn::parse_quote_spanned!(Span::call_site()=> ::fastboot::init(););
    item.block.stmts.insert(0, init);
    item.into_token_stream()
}
