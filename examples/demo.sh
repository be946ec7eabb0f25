#!/usr/bin/env bash
# The main job, end to end: build tiketti, make a helpdesk, take in a morning's mail
# (examples/mail/) and phone, chat, web-form, social and walk-in contacts
# (examples/contacts.tsv), work them as two agents, and show the queues.
#
#   examples/demo.sh [DIR]      (default: a new temporary directory)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
cargo build --release --quiet
tiketti="$PWD/target/release/tiketti"
desk="${1:-$(mktemp -d)/demo-helpdesk}"

# A self-contained demo: no global git config, a fixed morning.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export TIKETTI_ACTOR=anna TIKETTI_NOW=2026-11-23T08:00:00Z

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "init $desk"
"$tiketti" init "$desk" --name "Acme Oy customer service"
cd "$desk"
# A second agent, bob, in the support group (tiketti.yaml is a plain file to edit).
python3 - <<'PY'
p = "tiketti.yaml"
s = open(p).read()
anna = "    email: anna@example.com\n"
assert anna in s
s = s.replace(anna, anna + "  - id: bob\n    name: Bob Berg\n    email: bob@example.com\n", 1)
s = s.replace("members: [anna]", "members: [anna, bob]", 1)
open(p, "w").write(s)
PY
git add tiketti.yaml && git -c user.name=Admin -c user.email=admin@example.com commit -qm "config: add agent bob"
"$tiketti" config check

step "the morning's mail to support@, sales@ and info@"
"$tiketti" ingest --time header "$here"/mail/*.eml
"$tiketti" list --channel email

step "a morning of other contacts (phone, chat, web form, social, walk-in)"
minute=0
# Tabs are whitespace to `read`, which would merge empty columns; split on | instead.
while IFS='|' read -r channel requester category priority agent subject text fields; do
  [[ "$channel" == \#* || -z "$channel" ]] && continue
  minute=$((minute + 7))
  args=(new --subject "$subject" --channel "$channel" --requester "$requester"
        --category "$category" --priority "$priority" -m "$text")
  [[ -n "$agent" ]] && args+=(--assignee "$agent")
  [[ -n "$fields" ]] && args+=(--field "$fields")
  id=$(TIKETTI_NOW="2026-11-23T08:$(printf %02d $minute):00Z" "$tiketti" "${args[@]}")
  echo "$id  $channel  $subject"
done < <(tr '\t' '|' < "$here/contacts.tsv")

step "anna works her queue"
export TIKETTI_NOW=2026-11-23T10:00:00Z
first=$("$tiketti" list --assignee me --open --sort -priority --format ids | head -1)
"$tiketti" status "$first" open
TIKETTI_NOW=2026-11-23T10:20:00Z "$tiketti" note "$first" -m "Called the customer; replacement monitors ship tomorrow."
TIKETTI_NOW=2026-11-23T10:25:00Z "$tiketti" set "$first" due=tomorrow +replacement
unassigned=$("$tiketti" list --assignee none --format ids | head -1)
"$tiketti" assign "$unassigned" --me --group support
TIKETTI_NOW=2026-11-23T10:45:00Z "$tiketti" solve "$unassigned"

export TIKETTI_NOW=2026-11-23T11:00:00Z
step "bob's queue"
TIKETTI_ACTOR=bob "$tiketti" list --assignee me --open

step "the team: every open ticket"
"$tiketti" list --open --sort -priority

step "a mail thread: the customer's reply joined it, the out-of-office reply is marked"
order=$("$tiketti" customer liisa.korhonen@example.com --format ids)
"$tiketti" show "$order"

step "its log from git"
"$tiketti" log "$first"

step "one customer's history across channels"
"$tiketti" customer liisa.korhonen@example.com

step "a script's view (JSON) and the repository check"
"$tiketti" list --open --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["tickets"]), "open tickets, schema", d["schema_version"])'
"$tiketti" check
echo
git log --oneline -5
echo "… $(git rev-list --count HEAD) commits in $desk"
