//! Small conversions shared by the wrappers: Python-style `repr` of strings, unsigned integers that
//! raise `InvalidArgumentError` (a `ValueError`) instead of `OverflowError` when negative or too large,
//! and owned copies of secret strings that are wiped when dropped.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyString};
use zeroize::Zeroizing;

use crate::errors::{ArgumentTypeError, invalid};

/// `repr()` of a Python string (`'abc'`), for the `__repr__` of the wrapper types.
pub fn py_repr(s: &str) -> String {
    // Python's rule for the quotes, enough for names and messages (the only strings shown).
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of an optional number: `None` or the number.
pub fn opt_repr<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "None".to_string(), |v| v.to_string())
}

/// `True` / `False`.
pub fn bool_repr(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A non-negative integer argument: a `TypeError` for a non-int (or a bool), an `InvalidArgumentError`
/// for a negative or too large one.
pub struct Unsigned(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Unsigned {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
            return Err(ArgumentTypeError::new_err(format!(
                "expected an int, not {}",
                obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
            )));
        }
        obj.extract::<u64>().map(Unsigned).map_err(|_| invalid("expected an int between 0 and 2**64 - 1"))
    }
}

/// An unsigned integer argument of a given width (for `#[pyo3(from_py_with = …)]`): a `TypeError` for a
/// non-int, an `InvalidArgumentError` for a negative one or one the type cannot hold (never an
/// `OverflowError`, so every bad number is an `AuthwardError` with a code, as in the other bindings).
fn narrow<T: TryFrom<u64>>(obj: &Bound<'_, PyAny>, max: u64) -> PyResult<T> {
    let Unsigned(v) = obj.extract()?;
    T::try_from(v).map_err(|_| invalid(format!("expected an int between 0 and {max}")))
}

/// A `u8` argument; see [`narrow`].
pub fn u8_arg(obj: &Bound<'_, PyAny>) -> PyResult<u8> {
    narrow(obj, u8::MAX.into())
}

/// A `u32` argument; see [`narrow`].
pub fn u32_arg(obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    narrow(obj, u32::MAX.into())
}

/// A `u64` argument; see [`narrow`].
pub fn u64_arg(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    narrow(obj, u64::MAX)
}

/// A `usize` argument; see [`narrow`].
pub fn usize_arg(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    narrow(obj, usize::MAX as u64)
}

/// An optional `u32` argument: `None` or [`u32_arg`].
pub fn opt_u32_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<u32>> {
    if obj.is_none() { Ok(None) } else { u32_arg(obj).map(Some) }
}

/// An optional `u64` argument: `None` or [`u64_arg`].
pub fn opt_u64_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if obj.is_none() { Ok(None) } else { u64_arg(obj).map(Some) }
}

/// An owned copy of a secret string argument (password, code, challenge), wiped when dropped, so it can
/// move into a closure that runs without the GIL. Non-`str` arguments are a `TypeError`; strings with
/// lone surrogates (not encodable as UTF-8) are a `UnicodeEncodeError` (a `ValueError`).
pub struct Secret(pub Zeroizing<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for Secret {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj.cast::<PyString>().map_err(|_| {
            ArgumentTypeError::new_err(format!(
                "expected a str, not {}",
                obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
            ))
        })?;
        Ok(Secret(Zeroizing::new(PyStringMethods::to_cow(&*s)?.into_owned())))
    }
}

impl Secret {
    /// The secret as `&str`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

fn type_name(obj: &Borrowed<'_, '_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// A `bytes` (or `bytearray`) argument such as a key or a pepper, wiped when dropped. Anything else is
/// a `TypeError` naming the expected type (PyO3's own `Vec<u8>` conversion would accept a list of ints
/// and say "Can't extract `str` to `Vec`" for a str).
pub struct Bytes(pub Zeroizing<Vec<u8>>);

impl<'a, 'py> FromPyObject<'a, 'py> for Bytes {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Bytes(Zeroizing::new(b.as_bytes().to_vec())));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Bytes(Zeroizing::new(b.to_vec())));
        }
        Err(ArgumentTypeError::new_err(format!("expected bytes, not {}", type_name(&obj))))
    }
}

/// A list (or tuple, or other iterable) of `str`, such as `user_inputs`; a lone `str` is refused (it
/// would otherwise be taken for a list of its characters) with a `TypeError` naming the expected type.
pub struct StrList(pub Vec<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for StrList {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let expected =
            || ArgumentTypeError::new_err(format!("expected a list of str, not {}", type_name(&obj)));
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            return Err(expected());
        }
        let mut out = Vec::new();
        for item in obj.try_iter().map_err(|_| expected())? {
            let item = item?;
            let s = item.cast::<PyString>().map_err(|_| {
                ArgumentTypeError::new_err(format!(
                    "expected a list of str, but an item is {}",
                    item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
                ))
            })?;
            out.push(PyStringMethods::to_cow(s)?.into_owned());
        }
        Ok(StrList(out))
    }
}

/// A `str` argument that is not a secret (a user id, an account id, an issuer, a PHC string): a
/// `TypeError` naming the argument and the expected type for anything else. Derefs to `&str`.
pub struct Text(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for Text {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj
            .cast::<PyString>()
            .map_err(|_| ArgumentTypeError::new_err(format!("expected a str, not {}", type_name(&obj))))?;
        Ok(Text(PyStringMethods::to_cow(&*s)?.into_owned()))
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}
