//! What the attributes accept: each misuse is one `syn::Error` at the
//! offending part of the user's code, saying what to do.

use quote::ToTokens;
use syn::{Error, FnArg, ItemFn, ReturnType, Type};

/// Checks that the function can be frozen, and returns its return type.
pub fn signature(item: &ItemFn) -> syn::Result<&Type> {
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

/// Checks that `#[fastboot::main]` can be applied to `item`.
pub fn main(item: &ItemFn) -> syn::Result<()> {
    if !item.sig.inputs.is_empty() {
        return Err(Error::new_spanned(
            &item.sig.inputs,
            "`main` takes no arguments: read them with `std::env::args()`",
        ));
    }
    Ok(())
}
