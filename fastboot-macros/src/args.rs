//! The attributes' arguments: `#[fastboot::frozen(crate = path)]` and
//! `#[fastboot::main(crate = path)]` name the `fastboot` crate when a crate
//! re-exports it (as serde's and linkme's `crate` arguments do).

use syn::parse::{Parse, ParseStream};
use syn::{Error, Path, Token};

/// The arguments of either attribute.
pub struct Args {
    /// The path of the `fastboot` crate: `::fastboot` unless given.
    pub krate: Path,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = None;
        while !input.is_empty() {
            if !input.peek(Token![crate]) {
                return Err(Error::new(
                    input.span(),
                    "expected `crate = path`, the only argument: the path of the `fastboot` crate",
                ));
            }
            let keyword: Token![crate] = input.parse()?;
            if krate.is_some() {
                return Err(Error::new(keyword.span, "`crate` is given twice"));
            }
            input.parse::<Token![=]>()?;
            krate = Some(input.parse::<Path>()?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(Args {
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::fastboot)),
        })
    }
}
