//! The attributes of [fastboot](https://docs.rs/fastboot): `#[fastboot::frozen]`
//! and `#[fastboot::main]`. Use them through the `fastboot` crate, which
//! documents them with examples.
//!
//! `args` parses their arguments (the mode, `crate = path`), `check`
//! validates the items they are put on, `wrapper` picks the rkyv wrapper a
//! type holding `&'static` references needs, `expand` writes the code.

mod args;
mod check;
mod expand;
mod wrapper;

use proc_macro::TokenStream;
use quote::ToTokens;
use syn::{parse_macro_input, ItemFn};

/// Turns a function computing a value into a frozen static: see
/// `fastboot::frozen`.
#[proc_macro_attribute]
pub fn frozen(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemFn);
    let expanded = syn::parse::<args::Args>(args)
        .and_then(|args| expand::frozen(&args, &item, check::signature(&item)?));
    match expanded {
        Ok(tokens) => tokens.into(),
        // The function is kept as written, so that its uses do not add
        // errors of their own to this one.
        Err(error) => {
            let mut tokens = error.into_compile_error();
            item.to_tokens(&mut tokens);
            tokens.into()
        }
    }
}

/// Calls `fastboot::init()` before the body of `main`: see
/// `fastboot::main`.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemFn);
    let checked = syn::parse::<args::Args>(args).and_then(|args| {
        if let Some((_, span)) = args.mode {
            return Err(syn::Error::new(
                span,
                "`main` takes no mode: put it on the #[fastboot::frozen] functions",
            ));
        }
        check::main(&item)?;
        Ok(args)
    });
    match checked {
        Ok(args) => expand::main(&args.krate, item).into(),
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
