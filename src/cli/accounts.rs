//! `gapmap accounts add | revoke | list`: the API accounts in the database.

use std::io::Write;

use clap::{Args, Subcommand};

use super::DataDirArgs;
use crate::store::{NewAccount, Role, Store};

/// Arguments of `gapmap accounts`.
#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AccountsCommand,
    /// Where the database is.
    #[command(flatten)]
    pub store: DataDirArgs,
}

/// The `accounts` subcommands.
#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Create an account and print its API token (to stdout, once: only a hash is kept).
    Add {
        /// provider (submits listings for its organisation), reviewer (approves others' submissions) or admin.
        #[arg(long)]
        role: Role,
        /// The account's organisation; required for a provider, and must match its listings' `provider` exactly.
        #[arg(long)]
        org: Option<String>,
        /// A unique name to refer to the account by (e.g. in `accounts revoke`).
        #[arg(long)]
        name: Option<String>,
    },
    /// Revoke an account: its token stops working at once, also for a running server.
    Revoke {
        /// The account's id or name.
        account: String,
    },
    /// List the accounts (never their tokens).
    List,
}

/// Runs `gapmap accounts …`.
pub fn run(args: &AccountsArgs, out: &mut dyn Write) -> Result<(), String> {
    // Only adding an account may create the database (the first step of setting a server up); listing or
    // revoking in a mistyped directory is an error, not a new empty database.
    let store = match args.command {
        AccountsCommand::Add { .. } => Store::open(&args.store.data_dir),
        _ => Store::open_existing(&args.store.data_dir),
    }
    .map_err(|e| e.to_string())?;
    match &args.command {
        AccountsCommand::Add { role, org, name } => {
            let (account, token) = store
                .add_account(&NewAccount {
                    role: *role,
                    organisation: org.clone(),
                    name: name.clone(),
                })
                .map_err(|e| format!("cannot add the account: {e}"))?;
            eprintln!(
                "gapmap: added account {} ({}{}). Its token follows; it is shown only this once.",
                account.label(),
                account.role,
                account
                    .organisation
                    .as_deref()
                    .map(|o| format!(", {o}"))
                    .unwrap_or_default()
            );
            writeln!(out, "{}", token.expose()).map_err(|e| e.to_string())
        }
        AccountsCommand::Revoke { account } => {
            let account = store
                .revoke_account(account)
                .map_err(|e| format!("cannot revoke: {e}"))?;
            writeln!(
                out,
                "revoked {} (id {}) at {}",
                account.label(),
                account.id,
                account
                    .revoked_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            )
            .map_err(|e| e.to_string())
        }
        AccountsCommand::List => {
            let accounts = store.accounts().map_err(|e| e.to_string())?;
            let write = |out: &mut dyn Write| -> std::io::Result<()> {
                writeln!(out, "id\tname\trole\torganisation\tcreated\trevoked")?;
                for a in &accounts {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        a.id,
                        a.name.as_deref().unwrap_or("-"),
                        a.role,
                        a.organisation.as_deref().unwrap_or("-"),
                        a.created_at.format("%Y-%m-%d %H:%M"),
                        a.revoked_at.map_or_else(
                            || "-".to_owned(),
                            |t| t.format("%Y-%m-%d %H:%M").to_string()
                        )
                    )?;
                }
                Ok(())
            };
            write(out).map_err(|e| e.to_string())
        }
    }
}
