//! Tokenizer and recursive-descent parser for display filters.
//!
//! Precedence, lowest first: `||`/`or`, `&&`/`and`, `!`/`not`, comparison. Errors carry the
//! byte span of the offending text so a view can underline it.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use super::fields::Field;
use crate::i18n::{Lang, Message};

/// A parse error with where it is in the filter text.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterError {
    /// What is wrong, for people: a catalogue message (`filter-err-*`), so that the window
    /// and the command line say it in their language.
    pub message: Message,
    /// Byte range in the filter text.
    pub span: Range<usize>,
    /// The column where it starts, counted in characters from 1 (what the message says).
    pub column: usize,
}

impl FilterError {
    fn new(message: Message, span: Range<usize>) -> FilterError {
        FilterError {
            message,
            column: span.start + 1,
            span,
        }
    }

    /// What is wrong, in this thread's language (without the position: a view underlines it).
    pub fn text(&self) -> String {
        self.message.text()
    }

    /// What is wrong and at which column, in `lang` (`Display` is this in English).
    pub fn text_in(&self, lang: Lang) -> String {
        Message::new("filter-err-at")
            .arg("message", self.message.text_in(lang))
            .arg("column", self.column)
            .text_in(lang)
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_in(Lang::En))
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Int(u64),
    /// A time in nanoseconds (`tcp.analysis.ack_rtt > 0.2` is 200 ms).
    Time(i64),
    Addr(IpAddr),
    /// Address with a prefix length (`10.0.0.0/8`).
    Net(IpAddr, u8),
    /// A byte string: `"GET"`, `00:1b:21`, `12` (one byte, as Wireshark reads it).
    Bytes(Vec<u8>),
}

/// `[i]`, `[i:n]`, `[i-j]`, `[i:]`, `[:n]` after a field or protocol; negative offsets count
/// from the end, as in Wireshark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slice {
    start: i64,
    end: SliceEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SliceEnd {
    /// `[i]`: one byte.
    One,
    /// `[i:n]`: n bytes.
    Len(u64),
    /// `[i-j]`: through offset j.
    Through(i64),
    /// `[i:]`: to the end.
    ToEnd,
}

impl Slice {
    /// The slice of `bytes` this selects, or `None` when it reaches outside them (such a
    /// value then does not exist, as in Wireshark).
    pub(super) fn apply<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let len = bytes.len() as i64;
        let at = |i: i64| if i < 0 { len + i } else { i };
        let start = at(self.start);
        let end = match self.end {
            SliceEnd::One => start + 1,
            SliceEnd::Len(n) => start.checked_add(i64::try_from(n).ok()?)?,
            SliceEnd::Through(j) => at(j) + 1,
            SliceEnd::ToEnd => len,
        };
        if start < 0 || end > len || start >= end {
            return None;
        }
        bytes.get(start as usize..end as usize)
    }
}

/// What a test looks at: a field, maybe sliced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) field: Field,
    pub(super) slice: Option<Slice>,
}

/// A compiled `matches` regular expression (case-insensitive, as in Wireshark).
#[derive(Debug, Clone)]
pub(super) struct Pattern(pub(super) regex::bytes::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Pattern {}

/// One member of an `in {...}` set: a value or an inclusive range `a..b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Member {
    One(Value),
    Range(Value, Value),
}

/// The parsed filter tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Present(Target),
    Cmp(Target, Op, Value),
    Contains(Target, Vec<u8>),
    Matches(Target, Pattern),
    In(Target, Vec<Member>),
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
        Self::parse_tokens(text).map_err(|mut e| {
            let before = text.get(..e.span.start).unwrap_or(text);
            e.column = before.chars().count() + 1;
            e
        })
    }

    fn parse_tokens(text: &str) -> Result<Filter, FilterError> {
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
                return Err(FilterError::new(
                    Message::new("filter-err-unexpected").arg("found", &t.text),
                    t.span.clone(),
                ));
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
                Expr::Present(t)
                | Expr::Cmp(t, _, _)
                | Expr::Contains(t, _)
                | Expr::Matches(t, _)
                | Expr::In(t, _) => t.field.is_wire_metric(),
            }
        }
        self.expr.as_ref().is_some_and(walk)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Word,
    /// A quoted string; its text is the unescaped content.
    Str,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    And,
    Or,
    Not,
    Op(Op),
    Contains,
    Matches,
    In,
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
        if c == b'"' {
            let (content, len) = string_literal(text, i)?;
            out.push(Token {
                kind: Kind::Str,
                text: content,
                span: i..i + len,
            });
            i += len;
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
            (_, "~=") => (Kind::Op(Op::Ne), 2),
            (b'~', _) => (Kind::Matches, 1),
            (b'>', _) => (Kind::Op(Op::Gt), 1),
            (b'<', _) => (Kind::Op(Op::Lt), 1),
            (b'!', _) => (Kind::Not, 1),
            (b'(', _) => (Kind::LParen, 1),
            (b')', _) => (Kind::RParen, 1),
            (b'[', _) => (Kind::LBracket, 1),
            (b']', _) => (Kind::RBracket, 1),
            (b'{', _) => (Kind::LBrace, 1),
            (b'}', _) => (Kind::RBrace, 1),
            (b',', _) => (Kind::Comma, 1),
            (b'=', _) => {
                return Err(FilterError::new(
                    Message::new("filter-err-single-equals"),
                    i..i + 1,
                ))
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
                    "contains" => Kind::Contains,
                    "matches" => Kind::Matches,
                    "in" => Kind::In,
                    _ => Kind::Word,
                };
                (kind, end - i)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(FilterError::new(
                    Message::new("filter-err-character").arg("char", ch.to_string()),
                    i..i + ch.len_utf8(),
                ));
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

/// The string literal starting at `start` (a `"`): its content with `\"`, `\\`, `\n`,
/// `\r`, `\t` and `\xHH` unescaped, and its length in the text.
fn string_literal(text: &str, start: usize) -> Result<(String, usize), FilterError> {
    let mut content = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '"' => return Ok((content, i + 2)),
            '\\' => {
                let bad = || {
                    FilterError::new(
                        Message::new("filter-err-escape"),
                        start + 1 + i..start + 3 + i,
                    )
                };
                match chars.next().map(|(_, c)| c) {
                    Some('"') => content.push('"'),
                    Some('\\') => content.push('\\'),
                    Some('n') => content.push('\n'),
                    Some('r') => content.push('\r'),
                    Some('t') => content.push('\t'),
                    Some('x') => {
                        let hex: String = chars.by_ref().take(2).map(|(_, c)| c).collect();
                        let b = u8::from_str_radix(&hex, 16).map_err(|_| bad())?;
                        content.push(char::from(b));
                    }
                    _ => return Err(bad()),
                }
            }
            c => content.push(c),
        }
    }
    Err(FilterError::new(
        Message::new("filter-err-unterminated"),
        start..text.len(),
    ))
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

    /// The filter ended where `what` (a `filter-err-end-*` message) was expected.
    fn end_error(&self, what: Message) -> FilterError {
        FilterError::new(what, self.len..self.len)
    }

    /// The next token, or an error saying `what` was expected.
    fn next(&mut self, what: Message) -> Result<Token, FilterError> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.end_error(what));
        };
        self.pos += 1;
        Ok(t)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        self.chain(&Kind::Or, Self::and, Expr::Or)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        self.chain(&Kind::And, Self::not, Expr::And)
    }

    /// Operands parsed by `operand` joined by the operator `op`, grouped from the left
    /// (`a or b or c` is `(a or b) or c`) with `join`.
    fn chain(
        &mut self,
        op: &Kind,
        operand: fn(&mut Self) -> Result<Expr, FilterError>,
        join: fn(Box<Expr>, Box<Expr>) -> Expr,
    ) -> Result<Expr, FilterError> {
        let mut left = operand(self)?;
        while self.eat(op) {
            let right = operand(self)?;
            left = join(Box::new(left), Box::new(right));
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
            return Err(self.end_error(Message::new("filter-err-end-field")));
        };
        match tok.kind {
            Kind::LParen => {
                self.pos += 1;
                let e = self.or()?;
                if !self.eat(&Kind::RParen) {
                    return Err(match self.peek() {
                        Some(t) => FilterError::new(
                            Message::new("filter-err-close-paren").arg("found", &t.text),
                            t.span.clone(),
                        ),
                        None => FilterError::new(Message::new("filter-err-unclosed"), tok.span),
                    });
                }
                Ok(e)
            }
            Kind::Word => {
                self.pos += 1;
                let field = Field::lookup(&tok.text).ok_or_else(|| {
                    FilterError::new(unknown_field_message(&tok.text), tok.span.clone())
                })?;
                let slice = self.slice(field, &tok)?;
                let target = Target { field, slice };
                let Some(op_tok) = self.peek().cloned() else {
                    return Ok(Expr::Present(target));
                };
                match op_tok.kind {
                    Kind::Op(op) => {
                        self.pos += 1;
                        self.comparison(target, &tok, op, &op_tok)
                    }
                    Kind::Contains => {
                        self.pos += 1;
                        self.bytes_only(target, &tok, &op_tok)?;
                        let val = self.next(Message::new("filter-err-end-value"))?;
                        match parse_value(target, &val)? {
                            Value::Bytes(b) => Ok(Expr::Contains(target, b)),
                            _ => Err(FilterError::new(
                                Message::new("filter-err-contains-value").arg("found", &val.text),
                                val.span,
                            )),
                        }
                    }
                    Kind::Matches => {
                        self.pos += 1;
                        self.bytes_only(target, &tok, &op_tok)?;
                        let val = self.next(Message::new("filter-err-end-regex"))?;
                        if val.kind != Kind::Str {
                            return Err(FilterError::new(
                                Message::new("filter-err-matches-quotes"),
                                val.span,
                            ));
                        }
                        let re = regex::bytes::RegexBuilder::new(&val.text)
                            .case_insensitive(true)
                            .build()
                            .map_err(|e| {
                                FilterError::new(
                                    Message::new("filter-err-regex").arg("error", e.to_string()),
                                    val.span.clone(),
                                )
                            })?;
                        Ok(Expr::Matches(target, Pattern(re)))
                    }
                    Kind::In => {
                        self.pos += 1;
                        self.set(target)
                    }
                    _ => Ok(Expr::Present(target)),
                }
            }
            _ => Err(FilterError::new(
                Message::new("filter-err-field-expected").arg("found", &tok.text),
                tok.span,
            )),
        }
    }

    /// `[...]` after a field, if there is one.
    fn slice(&mut self, field: Field, field_tok: &Token) -> Result<Option<Slice>, FilterError> {
        if !self.eat(&Kind::LBracket) {
            return Ok(None);
        }
        if !(field.is_bytes() || field.is_address()) {
            return Err(FilterError::new(
                Message::new("filter-err-slice-number").arg("field", &field_tok.text),
                field_tok.span.clone(),
            ));
        }
        let spec = self.next(Message::new("filter-err-end-slice"))?;
        let bad = || {
            FilterError::new(
                Message::new("filter-err-slice").arg("found", &spec.text),
                spec.span.clone(),
            )
        };
        if spec.kind != Kind::Word {
            return Err(bad());
        }
        let num = |t: &str| t.parse::<i64>().map_err(|_| bad());
        let t = spec.text.as_str();
        let slice = if let Some((a, b)) = t.split_once(':') {
            let start = if a.is_empty() { 0 } else { num(a)? };
            let end = if b.is_empty() {
                SliceEnd::ToEnd
            } else {
                SliceEnd::Len(b.parse::<u64>().map_err(|_| bad())?)
            };
            Slice { start, end }
        } else if let Some((a, b)) = t.get(1..).and_then(|rest| rest.split_once('-')) {
            // `i-j` (the first character may be a minus sign: `-4-2` is not useful but `-4`
            // alone is the fourth byte from the end).
            let a = &t[..a.len() + 1];
            Slice {
                start: num(a)?,
                end: SliceEnd::Through(num(b)?),
            }
        } else {
            Slice {
                start: num(t)?,
                end: SliceEnd::One,
            }
        };
        if !self.eat(&Kind::RBracket) {
            return Err(match self.peek() {
                Some(t) => FilterError::new(
                    Message::new("filter-err-close-bracket").arg("found", &t.text),
                    t.span.clone(),
                ),
                None => self.end_error(Message::new("filter-err-end-token").arg("token", "]")),
            });
        }
        Ok(Some(slice))
    }

    fn bytes_only(&self, target: Target, field_tok: &Token, op: &Token) -> Result<(), FilterError> {
        if target.slice.is_some() || target.field.is_bytes() {
            Ok(())
        } else {
            Err(FilterError::new(
                Message::new("filter-err-bytes-only")
                    .arg("op", &op.text)
                    .arg("field", &field_tok.text),
                op.span.clone(),
            ))
        }
    }

    fn comparison(
        &mut self,
        target: Target,
        field_tok: &Token,
        op: Op,
        op_tok: &Token,
    ) -> Result<Expr, FilterError> {
        let Some(val_tok) = self.peek().cloned() else {
            return Err(self.end_error(Message::new("filter-err-end-value")));
        };
        if !matches!(val_tok.kind, Kind::Word | Kind::Str) {
            return Err(FilterError::new(
                Message::new("filter-err-value-after").arg("op", &op_tok.text),
                val_tok.span,
            ));
        }
        self.pos += 1;
        let value = parse_value(target, &val_tok)?;
        if matches!(value, Value::Addr(_) | Value::Net(..)) && !matches!(op, Op::Eq | Op::Ne) {
            return Err(FilterError::new(
                Message::new("filter-err-address-op").arg("field", &field_tok.text),
                op_tok.span.clone(),
            ));
        }
        Ok(Expr::Cmp(target, op, value))
    }

    /// `{a, b, c..d}` after `in` (members separated by commas or spaces).
    fn set(&mut self, target: Target) -> Result<Expr, FilterError> {
        let open = self.next(Message::new("filter-err-end-token").arg("token", "{"))?;
        if open.kind != Kind::LBrace {
            return Err(FilterError::new(
                Message::new("filter-err-set-open").arg("found", &open.text),
                open.span,
            ));
        }
        let mut members = Vec::new();
        loop {
            let t = self.next(Message::new("filter-err-end-token").arg("token", "}"))?;
            match t.kind {
                Kind::RBrace if !members.is_empty() => break,
                Kind::Comma if !members.is_empty() => continue,
                Kind::Word | Kind::Str => {
                    let range = (t.kind == Kind::Word)
                        .then(|| t.text.split_once(".."))
                        .flatten()
                        .filter(|_| !target.field.is_address());
                    members.push(match range {
                        Some((a, b)) => {
                            let at = |text: &str, offset: usize| Token {
                                kind: Kind::Word,
                                text: text.to_string(),
                                span: t.span.start + offset..t.span.start + offset + text.len(),
                            };
                            let low = parse_value(target, &at(a, 0))?;
                            let high = parse_value(target, &at(b, a.len() + 2))?;
                            Member::Range(low, high)
                        }
                        None => Member::One(parse_value(target, &t)?),
                    });
                }
                _ => {
                    return Err(FilterError::new(
                        Message::new("filter-err-set-member").arg("found", &t.text),
                        t.span,
                    ))
                }
            }
        }
        Ok(Expr::In(target, members))
    }
}

fn unknown_field_message(name: &str) -> Message {
    let close: Vec<String> = Field::names()
        .into_iter()
        .filter(|n| n.starts_with(name) || name.starts_with(n.as_str()) && n.contains('.'))
        .take(4)
        .collect();
    if close.is_empty() {
        Message::new("filter-err-unknown-field").arg("name", name.to_owned())
    } else {
        Message::new("filter-err-unknown-field-close")
            .arg("name", name.to_owned())
            .arg("close", close.join(", "))
    }
}

/// Hex bytes as Wireshark reads them for byte fields: `00:1b:21`, `00-1b-21`, `001b.21`,
/// `12` (one byte).
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    // Separated groups of one digit (`0:1b`) are one byte each.
    let groups: Vec<&str> = text.split([':', '-', '.']).collect();
    if groups.len() > 1 {
        return groups
            .iter()
            .map(|g| match g.len() {
                1 | 2 => u8::from_str_radix(g, 16).ok().map(|b| vec![b]),
                n if n.is_multiple_of(2) => hex_bytes(g),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
    }
    if digits.len() == 1 {
        return u8::from_str_radix(&digits, 16).ok().map(|b| vec![b]);
    }
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).ok())
        .collect()
}

fn parse_value(target: Target, tok: &Token) -> Result<Value, FilterError> {
    let field = target.field;
    // `what`: a `filter-err-not-*` message, which names the text it refuses.
    let bad = |what: &'static str| {
        FilterError::new(Message::new(what).arg("found", &tok.text), tok.span.clone())
    };
    let t = tok.text.as_str();
    if target.slice.is_some() || field.is_bytes() {
        if tok.kind == Kind::Str {
            return Ok(Value::Bytes(tok.text.as_bytes().to_vec()));
        }
        // A protocol compared with a number tells whether it is there (`vlan == 0`).
        if target.slice.is_none() && field.ty() == super::fields::FieldType::Protocol {
            if let Ok(n @ (0 | 1)) = t.parse::<u64>() {
                return Ok(Value::Int(n));
            }
        }
        if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            return u64::from_str_radix(hex, 16)
                .map(Value::Int)
                .map_err(|_| bad("filter-err-not-number"));
        }
        return hex_bytes(t)
            .map(Value::Bytes)
            .ok_or_else(|| bad("filter-err-not-bytes"));
    }
    if tok.kind == Kind::Str {
        return Err(bad("filter-err-not-string-field"));
    }
    if field.is_address() {
        if let Some((addr, bits)) = t.split_once('/') {
            let a: IpAddr = addr.parse().map_err(|_| bad("filter-err-not-network"))?;
            let max = if a.is_ipv4() { 32 } else { 128 };
            let b: u8 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| bad("filter-err-not-prefix"))?;
            return Ok(Value::Net(a, b));
        }
        return t
            .parse::<IpAddr>()
            .map(Value::Addr)
            .map_err(|_| bad("filter-err-not-address"));
    }
    if field.is_time() {
        return seconds_to_ns(t)
            .map(Value::Time)
            .ok_or_else(|| bad("filter-err-not-time"));
    }
    let n = match t.to_ascii_lowercase().as_str() {
        "true" => Some(1),
        "false" => Some(0),
        s => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse::<u64>().ok(),
        },
    };
    let n = n.ok_or_else(|| bad("filter-err-not-number"))?;
    if let Some(max) = field.max_value() {
        if n > max {
            // tshark: `"99999" too big for this field, maximum 65535.`
            return Err(FilterError::new(
                Message::new("filter-err-too-big")
                    .arg("found", t.to_owned())
                    .arg("max", max.to_string()),
                tok.span.clone(),
            ));
        }
    }
    Ok(Value::Int(n))
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
