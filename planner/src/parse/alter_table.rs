//! ALTER TABLE with MySQL's table options. sqlparser 0.63 parses an
//! ALTER TABLE operation list without them (`ENGINE=InnoDB`,
//! `COMMENT 'x'`, `DEFAULT CHARSET=utf8mb4`, `CONVERT TO CHARACTER SET`,
//! `ROW_FORMAT=...`), so the statement loop hands ALTER TABLE here: each
//! item of the list is a run of table options (parsed by sqlparser's own
//! CREATE TABLE option parser, so both statements read options alike) or
//! one of sqlparser's operations. A run of options becomes one
//! `SetTblProperties` operation, the AST's "set these table options", which
//! `ddl::alter` reads as MySQL's.

use sqlparser::ast::{
    helpers::attached_token::AttachedToken, AlterTable, AlterTableOperation, Expr, Ident,
    SqlOption, Statement,
};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// Key of the option `CONVERT TO CHARACTER SET cs` becomes.
pub const CONVERT_CHARSET: &str = "CONVERT TO CHARACTER SET";
/// Key of the `COLLATE c` of `CONVERT TO CHARACTER SET cs COLLATE c`.
pub const CONVERT_COLLATE: &str = "CONVERT TO COLLATE";

/// Parses every statement of `sql`, as `Parser::parse_sql` does, except
/// that ALTER TABLE is parsed by [`alter_table`].
pub fn parse_statements(
    dialect: &dyn sqlparser::dialect::Dialect,
    sql: &str,
) -> Result<Vec<Statement>, ParserError> {
    let mut p = Parser::new(dialect).try_with_sql(sql)?;
    let mut stmts = Vec::new();
    let mut expecting_delimiter = false;
    loop {
        while p.consume_token(&Token::SemiColon) {
            expecting_delimiter = false;
        }
        if p.peek_token_ref().token == Token::EOF {
            break;
        }
        if expecting_delimiter {
            return p.expected_ref("end of statement", p.peek_token_ref());
        }
        let stmt = if p.parse_keywords(&[Keyword::ALTER, Keyword::TABLE]) {
            alter_table(&mut p)?
        } else {
            p.parse_statement()?
        };
        stmts.push(stmt);
        expecting_delimiter = true;
    }
    Ok(stmts)
}

/// `ALTER TABLE [IF EXISTS] name [item [, item] ...]`, after `ALTER TABLE`.
fn alter_table(p: &mut Parser) -> Result<Statement, ParserError> {
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = p.parse_object_name(false)?;
    let mut operations = Vec::new();
    if !matches!(p.peek_token_ref().token, Token::EOF | Token::SemiColon) {
        loop {
            let options = table_options(p)?;
            if !options.is_empty() {
                operations.push(AlterTableOperation::SetTblProperties {
                    table_properties: options,
                });
                // Options take the comma after them (they may also be
                // separated by spaces): another item follows one.
                if p.get_current_token().token == Token::Comma || p.consume_token(&Token::Comma) {
                    continue;
                }
                break;
            }
            operations.push(p.parse_alter_table_operation()?);
            if !p.consume_token(&Token::Comma) {
                break;
            }
        }
    }
    let end_token = AttachedToken(p.get_current_token().clone());
    Ok(AlterTable {
        name,
        if_exists,
        only: false,
        operations,
        location: None,
        on_cluster: None,
        table_type: None,
        end_token,
    }
    .into())
}

/// A run of table options, CONVERT TO CHARACTER SET included; empty when
/// the item is not one.
fn table_options(p: &mut Parser) -> Result<Vec<SqlOption>, ParserError> {
    let mut options = Vec::new();
    loop {
        if p.parse_keywords(&[Keyword::CONVERT, Keyword::TO]) {
            if !p.parse_keywords(&[Keyword::CHARACTER, Keyword::SET])
                && !p.parse_keyword(Keyword::CHARSET)
            {
                return p.expected_ref("CHARACTER SET", p.peek_token_ref());
            }
            options.push(key_value(CONVERT_CHARSET, p.parse_identifier()?));
            if p.parse_keyword(Keyword::COLLATE) {
                options.push(key_value(CONVERT_COLLATE, p.parse_identifier()?));
            }
            let _ = p.consume_token(&Token::Comma);
            continue;
        }
        let plain = p.parse_plain_options()?;
        if plain.is_empty() {
            return Ok(options);
        }
        options.extend(plain);
    }
}

fn key_value(key: &str, value: Ident) -> SqlOption {
    SqlOption::KeyValue {
        key: Ident::new(key),
        value: Expr::Identifier(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::MySqlDialect;

    fn ops(sql: &str) -> Vec<String> {
        let stmts = parse_statements(&MySqlDialect {}, sql).unwrap();
        let Statement::AlterTable(at) = &stmts[0] else {
            panic!("{sql}")
        };
        at.operations.iter().map(|o| o.to_string()).collect()
    }

    #[test]
    fn table_options_are_alter_items() {
        assert_eq!(
            ops("ALTER TABLE t ENGINE=InnoDB"),
            ["SET TBLPROPERTIES(ENGINE = InnoDB)"]
        );
        assert_eq!(
            ops("ALTER TABLE t COMMENT 'x' AUTO_INCREMENT = 10 ROW_FORMAT=DYNAMIC"),
            ["SET TBLPROPERTIES(COMMENT 'x', AUTO_INCREMENT = 10, ROW_FORMAT = DYNAMIC)"]
        );
        assert_eq!(
            ops("ALTER TABLE t ADD COLUMN c INT COMMENT 'c', DEFAULT CHARSET=utf8mb4, DROP COLUMN d"),
            [
                "ADD COLUMN c INT COMMENT 'c'",
                "SET TBLPROPERTIES(DEFAULT CHARSET = utf8mb4)",
                "DROP COLUMN d"
            ]
        );
        assert_eq!(
            ops("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, ENGINE = InnoDB"),
            ["SET TBLPROPERTIES(CONVERT TO CHARACTER SET = utf8mb4, CONVERT TO COLLATE = utf8mb4_bin, ENGINE = InnoDB)"]
        );
        assert!(ops("ALTER TABLE t").is_empty());
        // Statements around it are parsed as before.
        let stmts = parse_statements(
            &MySqlDialect {},
            "SELECT 1; ALTER TABLE t ENGINE=InnoDB; SELECT 2",
        )
        .unwrap();
        assert_eq!(stmts.len(), 3);
    }

    #[test]
    fn malformed_options_are_syntax_errors() {
        for sql in [
            "ALTER TABLE t ENGINE=InnoDB ADD COLUMN c INT",
            "ALTER TABLE t CONVERT TO utf8mb4",
            "ALTER TABLE t COMMENT",
            "ALTER TABLE t ENGINE=InnoDB,",
            "ALTER TABLE t ADD COLUMN c INT SELECT 1",
        ] {
            assert!(parse_statements(&MySqlDialect {}, sql).is_err(), "{sql}");
        }
    }
}
