//! The attributes of [fastboot](https://docs.rs/fastboot): `#[fastboot::frozen]`
//! and `#[fastboot::main]`. Use them through the `fastboot` crate.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
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
#[proc_macro_attribute]
pub fn frozen(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let item = parse_macro_input!(item as ItemFn);
    expand_frozen(args, item)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Calls `fastboot::init()` before the body of `main`.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let item = parse_macro_input!(item as ItemFn);
    expand_main(args, item)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

fn expand_frozen(args: TokenStream2, item: ItemFn) -> syn::Result<TokenStream2> {
    if !args.is_empty() {
        return Err(Error::new_spanned(
            args,
            "#[fastboot::frozen] takes no arguments",
        ));
    }
    let ty = check_signature(&item)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = &item;
    let ident = &sig.ident;
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    let definition = definition_hash(&item);

    // Trait errors about the return type point at the return type.
    let frozen_ty = quote_spanned!(ty.span()=> ::fastboot::__private::Frozen<#ty>);
    // Items are not allowed in `impl` blocks: this `use` makes a frozen
    // function inside one an error at its name.
    let module_level_only = quote_spanned!(ident.span()=>
        #[allow(unused_imports)]
        use ::fastboot::__private::frozen_functions_belong_to_a_module_not_an_impl as _;
    );
    Ok(quote! {
        #module_level_only

        #(#attrs)*
        #vis fn #ident() -> &'static ::fastboot::Archived<#ty> {
            fn __fastboot_compute() -> #ty #block

            fn __fastboot_freeze() -> ::core::result::Result<
                ::std::vec::Vec<u8>,
                ::std::string::String,
            > {
                #[allow(unused_imports)]
                use ::fastboot::__private::{FreezePlain as _, FreezeSorted as _};
                (&::fastboot::__private::Freeze(&__fastboot_compute())).archive()
            }

            static __FASTBOOT_FROZEN: #frozen_ty = ::fastboot::__private::Frozen::new(
                ::core::concat!(::core::module_path!(), "::", #name),
                #definition,
                __fastboot_freeze,
            );

            #[::fastboot::__private::linkme::distributed_slice(::fastboot::__private::ENTRIES)]
            #[linkme(crate = ::fastboot::__private::linkme)]
            static __FASTBOOT_ENTRY: &::fastboot::__private::Entry = __FASTBOOT_FROZEN.entry();

            __FASTBOOT_FROZEN.get(__fastboot_compute)
        }
    })
}

/// Checks that the function can be frozen, and returns its return type.
fn check_signature(item: &ItemFn) -> syn::Result<&Type> {
    let sig = &item.sig;
    let what = "#[fastboot::frozen] function";
    if let Some(token) = &sig.constness {
        return Err(Error::new(
            token.span,
            format!("a {what} cannot be `const`"),
        ));
    }
    if let Some(token) = &sig.asyncness {
        return Err(Error::new(
            token.span,
            format!("a {what} cannot be `async`: its value is computed once, synchronously"),
        ));
    }
    if let Some(token) = &sig.unsafety {
        return Err(Error::new(
            token.span,
            format!("a {what} cannot be `unsafe`"),
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(Error::new_spanned(
            abi,
            format!("a {what} cannot declare an ABI"),
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(Error::new_spanned(
            &sig.generics,
            format!("a {what} cannot be generic: it defines exactly one value of one type"),
        ));
    }
    if let Some(receiver @ FnArg::Receiver(_)) = sig.inputs.first() {
        return Err(Error::new_spanned(
            receiver,
            format!("a {what} cannot be a method: move it out of the `impl`, to a module"),
        ));
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        return Err(Error::new_spanned(
            &sig.inputs,
            format!(
                "a {what} takes no arguments: its value is computed once, at freeze time; \
                 move the inputs into its body"
            ),
        ));
    }
    match &sig.output {
        ReturnType::Default => Err(Error::new(
            sig.paren_token.span.close(),
            format!("a {what} must return the value to freeze, e.g. `-> Vec<String>`"),
        )),
        ReturnType::Type(_, ty) => match &**ty {
            Type::ImplTrait(_) => Err(Error::new_spanned(
                ty,
                format!("a {what} must name its return type, not `impl Trait`"),
            )),
            Type::Infer(_) | Type::Never(_) => Err(Error::new_spanned(
                ty,
                format!("a {what} must return a value that rkyv can archive"),
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

fn expand_main(args: TokenStream2, mut item: ItemFn) -> syn::Result<TokenStream2> {
    if !args.is_empty() {
        return Err(Error::new_spanned(
            args,
            "#[fastboot::main] takes no arguments",
        ));
    }
    if !item.sig.inputs.is_empty() {
        return Err(Error::new_spanned(
            &item.sig.inputs,
            "`main` takes no arguments",
        ));
    }
    let init = syn::parse_quote_spanned!(Span::call_site()=> ::fastboot::init(););
    item.block.stmts.insert(0, init);
    Ok(item.into_token_stream())
}
