//! The rkyv `with` wrapper a return type needs: rkyv cannot archive
//! references, so `&'static str` and `&'static [T]` go through
//! `fastboot::Static`, and the containers holding them through rkyv's `Map`
//! or fastboot's `Sorted<K, V>` (which keeps hash maps canonical).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Error, GenericArgument, Path, PathArguments, Type};

/// The wrapper `ty` needs, or `None` if it holds no reference (then rkyv
/// archives it as it is). A reference where no wrapper can reach it is an
/// error at the reference.
pub fn for_type(krate: &Path, ty: &Type) -> syn::Result<Option<TokenStream>> {
    let identity = quote!(#krate::rkyv::with::Identity);
    match ty {
        Type::Paren(inner) => for_type(krate, &inner.elem),
        Type::Group(inner) => for_type(krate, &inner.elem),
        Type::Reference(reference) => {
            if reference.mutability.is_some() {
                return Err(Error::new_spanned(
                    reference,
                    "a frozen value cannot hold a `&mut` reference",
                ));
            }
            let shared = match &*reference.elem {
                Type::Path(path) if path.path.is_ident("str") => true,
                Type::Slice(slice) => for_type(krate, &slice.elem)?.is_none(),
                _ => false,
            };
            if !shared {
                return Err(Error::new_spanned(
                    reference,
                    "a frozen value can hold `&'static str` and `&'static [T]` \
                     (of a plain `T`), not other references: hold the value itself",
                ));
            }
            Ok(Some(quote!(#krate::Static)))
        }
        Type::Array(array) => {
            Ok(for_type(krate, &array.elem)?.map(|inner| quote!(#krate::rkyv::with::Map<#inner>)))
        }
        Type::Tuple(tuple) => {
            for elem in &tuple.elems {
                if for_type(krate, elem)?.is_some() {
                    return Err(Error::new_spanned(
                        elem,
                        "a tuple holding `&'static` references cannot be frozen: use a \
                         struct with `#[rkyv(with = fastboot::Static)]` on those fields",
                    ));
                }
            }
            Ok(None)
        }
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Ok(None);
            };
            let PathArguments::AngleBracketed(arguments) = &last.arguments else {
                return Ok(None);
            };
            let types: Vec<&Type> = arguments
                .args
                .iter()
                .filter_map(|a| match a {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect();
            let mut wrappers = Vec::with_capacity(types.len());
            for t in &types {
                wrappers.push(for_type(krate, t)?);
            }
            if wrappers.iter().all(Option::is_none) {
                return Ok(None);
            }
            let or_identity = |w: &Option<TokenStream>| w.clone().unwrap_or(identity.clone());
            let container = last.ident.to_string();
            match (container.as_str(), wrappers.as_slice()) {
                ("Vec" | "Option", [Some(inner)]) => {
                    Ok(Some(quote!(#krate::rkyv::with::Map<#inner>)))
                }
                ("HashMap", [k, v] | [k, v, None]) => {
                    let (k, v) = (or_identity(k), or_identity(v));
                    Ok(Some(quote!(#krate::Sorted<#k, #v>)))
                }
                ("HashSet", [Some(k)] | [Some(k), None]) => Ok(Some(quote!(#krate::Sorted<#k>))),
                ("BTreeMap", [k, v]) => {
                    let (k, v) = (or_identity(k), or_identity(v));
                    Ok(Some(quote!(#krate::rkyv::with::MapKV<#k, #v>)))
                }
                _ => Err(Error::new_spanned(
                    ty,
                    "fastboot archives `&'static` references inside `Vec`, `Option`, \
                     arrays, `HashMap`, `HashSet` and `BTreeMap`; in other types, use a \
                     struct with `#[rkyv(with = fastboot::Static)]` on those fields",
                )),
            }
        }
        _ => Ok(None),
    }
}
