//! The attributes' arguments: `#[fastboot::frozen(deserialize)]` or
//! `#[fastboot::frozen(serde)]` choose how the value is kept, and
//! `crate = path` names the `fastboot` crate when a crate re-exports it (as
//! serde's and linkme's `crate` arguments do).

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Error, Ident, Path, Token};

/// How a frozen static keeps its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In place in the snapshot: `&'static Archived<T>` (the default).
    ZeroCopy,
    /// An rkyv archive deserialized once: `&'static T`.
    Deserialize,
    /// A serde encoding deserialized once: `&'static T`.
    Serde,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::ZeroCopy => "zero-copy",
            Mode::Deserialize => "deserialize",
            Mode::Serde => "serde",
        }
    }
}

/// The arguments of either attribute.
pub struct Args {
    /// The path of the `fastboot` crate: `::fastboot` unless given.
    pub krate: Path,
    /// The mode, and where it was named (`None`: the default).
    pub mode: Option<(Mode, Span)>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = None;
        let mut mode: Option<(Mode, Span)> = None;
        while !input.is_empty() {
            if input.peek(Token![crate]) {
                let keyword: Token![crate] = input.parse()?;
                if krate.is_some() {
                    return Err(Error::new(keyword.span, "`crate` is given twice"));
                }
                input.parse::<Token![=]>()?;
                krate = Some(input.parse::<Path>()?);
            } else if input.peek(Ident) {
                let word: Ident = input.parse()?;
                let chosen = match word.to_string().as_str() {
                    "deserialize" => Mode::Deserialize,
                    "serde" => Mode::Serde,
                    _ => return Err(unknown(word.span())),
                };
                if let Some((first, _)) = mode {
                    return Err(Error::new(
                        word.span(),
                        format!(
                            "`{}` and `{}` are two modes: choose one",
                            first.name(),
                            chosen.name()
                        ),
                    ));
                }
                mode = Some((chosen, word.span()));
            } else {
                return Err(unknown(input.span()));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(Args {
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::fastboot)),
            mode,
        })
    }
}

fn unknown(span: Span) -> Error {
    Error::new(
        span,
        "expected a mode, `deserialize` (returns `&'static T`, rkyv) or `serde` \
         (returns `&'static T`, any serde type), or `crate = path`, the path of the \
         `fastboot` crate; without a mode the value is zero-copy (`&'static Archived<T>`)",
    )
}
