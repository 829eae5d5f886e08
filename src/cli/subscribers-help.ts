// The help of `zhoukan subscribers`, apart from the command so that --help loads nothing else.

export const SUBSCRIBERS_HELP = `

Subcommands:
  list                  every subscriber: address, state, themes, origin, dates; suppressed
                        addresses (bounces) with the reason
  add ADDR...           subscribe addresses at once (active, no confirmation mail); an address
                        already known becomes active with the given themes
  remove ADDR...        forget addresses entirely (to stop mail but keep the record, have them
                        unsubscribe, or import them with the state unsubscribed)
  import FILE.csv       add or update subscribers from a CSV file; bad rows are named (line and
                        reason) and skipped; exit 0 when any row was imported
  export                all subscribers as CSV on stdout (import reads it back)

  --themes "A|B"        with add: the themes to receive, separated by | or ; (default: all)

CSV (RFC 4180, UTF-8, a header row): address,themes,state,created,confirmed
  themes     theme names separated by | (or ;); empty for all themes, new ones included
  state      active (default), paused, unsubscribed or pending
  created, confirmed   ISO 8601 dates (2026-03-01 or 2026-03-01T08:00:00Z; UTC without a zone)`;
