//! Tokenizer and recursive-descent parser for display filters.
//!
//! Precedence, lowest first: `||`/`or`, `&&`/`and`, `!`/`not`, comparison. Errors carry the
//! byte span of the offending text so a view can underline it.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use super::fields::Field;

/// A parse error with where it is in the filter text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// What is wrong, for people.
    pub message: String,
    /// Byte range in the filter text.
    pub span: Range<usize>,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at column {})", self.message, self.span.start + 1)
    }
}

impl std::error::Error for FilterError {}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value {
    Int(u64),
    /// A relative time in nanoseconds (`tcp.analysis.ack_rtt > 0.2` is 200 ms).
    Time(i64),
    Addr(IpAddr),
    /// Address with a prefix length (`10.0.0.0/8`).
    Net(IpAddr, u8),
}

/// The parsed filter tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Present(Field),
    Cmp(Field, Op, Value),
}

/// A compiled display filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub(super) expr: Option<Expr>,
    text: String,
}

impl Filter {
    /// Parses filter text; empty (or blank) text is the filter that matches everything.
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let tokens = tokenize(text)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            len: text.len(),
        };
        let expr = if p.tokens.is_empty() {
            None
        } else {
            let e = p.or()?;
            if let Some(t) = p.peek() {
                return Err(FilterError {
                    message: format!("unexpected \"{}\"", t.text),
                    span: t.span.clone(),
                });
            }
            Some(e)
        };
        Ok(Filter {
            expr,
            text: text.to_string(),
        })
    }

    /// The text this filter was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True for the empty filter.
    pub fn is_empty(&self) -> bool {
        self.expr.is_none()
    }

    /// True when the filter names a wire metric ([`Field::is_wire_metric`]): a view that
    /// stores only part of each packet's analysis must then give them by other means.
    pub fn uses_wire_metrics(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Or(a, b) | Expr::And(a, b) => walk(a) || walk(b),
                Expr::Not(a) => walk(a),
                Expr::Present(f) | Expr::Cmp(f, _, _) => f.is_wire_metric(),
            }
        }
        self.expr.as_ref().is_some_and(walk)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Word,
    LParen,
    RParen,
    And,
    Or,
    Not,
    Op(Op),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    span: Range<usize>,
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let two = text.get(i..i + 2).unwrap_or("");
        let (kind, len) = match (c, two) {
            (_, "&&") => (Kind::And, 2),
            (_, "||") => (Kind::Or, 2),
            (_, "==") => (Kind::Op(Op::Eq), 2),
            (_, "!=") => (Kind::Op(Op::Ne), 2),
            (_, ">=") => (Kind::Op(Op::Ge), 2),
            (_, "<=") => (Kind::Op(Op::Le), 2),
            (b'>', _) => (Kind::Op(Op::Gt), 1),
            (b'<', _) => (Kind::Op(Op::Lt), 1),
            (b'!', _) => (Kind::Not, 1),
            (b'(', _) => (Kind::LParen, 1),
            (b')', _) => (Kind::RParen, 1),
            (b'=', _) => {
                return Err(FilterError {
                    message: "use == to compare".into(),
                    span: i..i + 1,
                })
            }
            _ if is_word_byte(c) => {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !is_word_byte(*b))
                    .map_or(bytes.len(), |n| i + n);
                let word = &text[i..end];
                let kind = match word.to_ascii_lowercase().as_str() {
                    "and" => Kind::And,
                    "or" => Kind::Or,
                    "not" => Kind::Not,
                    "eq" => Kind::Op(Op::Eq),
                    "ne" => Kind::Op(Op::Ne),
                    "gt" => Kind::Op(Op::Gt),
                    "lt" => Kind::Op(Op::Lt),
                    "ge" => Kind::Op(Op::Ge),
                    "le" => Kind::Op(Op::Le),
                    _ => Kind::Word,
                };
                (kind, end - i)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(FilterError {
                    message: format!("unexpected character '{ch}'"),
                    span: i..i + ch.len_utf8(),
                });
            }
        };
        out.push(Token {
            kind,
            text: text[i..i + len].to_string(),
            span: i..i + len,
        });
        i += len;
    }
    Ok(out)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'/' | b'-')
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, kind: &Kind) -> bool {
        if self.peek().is_some_and(|t| &t.kind == kind) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end_error(&self, what: &str) -> FilterError {
        FilterError {
            message: format!("{what} expected at the end of the filter"),
            span: self.len..self.len,
        }
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.eat(&Kind::Or) {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.not()?;
        while self.eat(&Kind::And) {
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, FilterError> {
        if self.eat(&Kind::Not) {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.end_error("a field or protocol"));
        };
        match tok.kind {
            Kind::LParen => {
                self.pos += 1;
                let e = self.or()?;
                if !self.eat(&Kind::RParen) {
                    return Err(match self.peek() {
                        Some(t) => FilterError {
                            message: format!("\")\" expected, found \"{}\"", t.text),
                            span: t.span.clone(),
                        },
                        None => FilterError {
                            message: "unclosed \"(\"".into(),
                            span: tok.span,
                        },
                    });
                }
                Ok(e)
            }
            Kind::Word => {
                self.pos += 1;
                let field = Field::lookup(&tok.text).ok_or_else(|| FilterError {
                    message: unknown_field_message(&tok.text),
                    span: tok.span.clone(),
                })?;
                let op = match self.peek().map(|t| t.kind.clone()) {
                    Some(Kind::Op(op)) => op,
                    _ => return Ok(Expr::Present(field)),
                };
                let op_tok = self.tokens[self.pos].clone();
                self.pos += 1;
                let Some(val_tok) = self.peek().cloned() else {
                    return Err(self.end_error("a value"));
                };
                if val_tok.kind != Kind::Word {
                    return Err(FilterError {
                        message: format!("a value expected after {}", op_tok.text),
                        span: val_tok.span,
                    });
                }
                self.pos += 1;
                let value = parse_value(field, &val_tok)?;
                if matches!(value, Value::Addr(_) | Value::Net(..))
                    && !matches!(op, Op::Eq | Op::Ne)
                {
                    return Err(FilterError {
                        message: format!("{} can only be compared with == or !=", tok.text),
                        span: op_tok.span,
                    });
                }
                Ok(Expr::Cmp(field, op, value))
            }
            _ => Err(FilterError {
                message: format!("a field or protocol expected, found \"{}\"", tok.text),
                span: tok.span,
            }),
        }
    }
}

fn unknown_field_message(name: &str) -> String {
    let close: Vec<String> = Field::names()
        .into_iter()
        .filter(|n| n.starts_with(name) || name.starts_with(n.as_str()) && n.contains('.'))
        .take(4)
        .collect();
    if close.is_empty() {
        format!("\"{name}\" is neither a field nor a protocol")
    } else {
        format!(
            "\"{name}\" is neither a field nor a protocol (did you mean {}?)",
            close.join(", ")
        )
    }
}

fn parse_value(field: Field, tok: &Token) -> Result<Value, FilterError> {
    let bad = |what: &str| FilterError {
        message: format!("\"{}\" is not {what}", tok.text),
        span: tok.span.clone(),
    };
    let t = tok.text.as_str();
    if field.is_address() {
        if let Some((addr, bits)) = t.split_once('/') {
            let a: IpAddr = addr.parse().map_err(|_| bad("an IP address or network"))?;
            let max = if a.is_ipv4() { 32 } else { 128 };
            let b: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| bad("a valid prefix"))?;
            return Ok(Value::Net(a, b));
        }
        return t
            .parse::<IpAddr>()
            .map(Value::Addr)
            .map_err(|_| bad("an IP address"));
    }
    if field.is_time() {
        return seconds_to_ns(t)
            .map(Value::Time)
            .ok_or_else(|| bad("a time in seconds"));
    }
    let n = match t.to_ascii_lowercase().as_str() {
        "true" => Some(1),
        "false" => Some(0),
        s => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse::<u64>().ok(),
        },
    };
    n.map(Value::Int).ok_or_else(|| bad("a number"))
}

/// Decimal seconds (`0.25`, `-1.5`, `3`) as nanoseconds, exactly (digits past the ninth
/// decimal are dropped, as Wireshark's time fields have nanosecond resolution).
fn seconds_to_ns(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let secs: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = 0i64;
    for (i, b) in frac.bytes().take(9).enumerate() {
        nanos += i64::from(b - b'0') * 10i64.pow(8 - i as u32);
    }
    let ns = secs.checked_mul(1_000_000_000)?.checked_add(nanos)?;
    Some(if negative { -ns } else { ns })
}
