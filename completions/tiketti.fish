# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tiketti_global_optspecs
    string join \n repo= h/help V/version
end

function __fish_tiketti_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tiketti_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tiketti_using_subcommand
    set -l cmd (__fish_tiketti_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tiketti -n "__fish_tiketti_needs_command" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_needs_command" -s V -l version -d 'Print version'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "init" -d 'Create a helpdesk in DIR (default: the current directory)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "new" -d 'Open a new ticket and print its ID'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "ingest" -d 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "show" -d 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "list" -d 'List tickets, oldest first'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "search" -d 'Find tickets by the words in them, best match first'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "assign" -d 'Give a ticket to an agent (and optionally a group), or take it off everyone\'s queue'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "status" -d 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "solve" -d 'Mark a ticket solved (the status in defaults.solve)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "close" -d 'Close a ticket (the status in defaults.close)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "reopen" -d 'Reopen a solved or closed ticket (the status in defaults.reopen)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "set" -d 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "note" -d 'Add an internal note to a ticket. Customers never see notes'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "reply" -d 'Reply to the customer by mail. The reply goes to the requester, with the ticket\'s other participants on Cc, threaded to the customer\'s latest message'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "link-child" -d 'Make a child ticket of PARENT for another team, or link an existing ticket as its child'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "unlink" -d 'Take a child ticket out of its parent (the child stays as it is otherwise)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "track" -d 'Link tickets to a tracker: one ticket for one problem that many customers report'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "template" -d 'Canned replies: Markdown files in templates/ with {{placeholders}}'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "outbox" -d 'Mail waiting to be sent from this clone: list, inspect, send or drop it'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "remind" -d 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "report" -d 'Report on the helpdesk: what is open now, or what happened in a period'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "log" -d 'Show who changed a ticket, what and when, newest first'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "edit" -d 'Edit a ticket\'s file (front matter and description) in your editor'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "config" -d 'Read, change or validate tiketti.yaml'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "check" -d 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "quarantine" -d 'Messages that could not be read as mail: list, inspect, retry or drop them'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "customer" -d 'Show one customer\'s tickets (as requester or participant) from every channel, newest first'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "sync" -d 'Exchange changes with the other agents\' clones through the git remote'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "clone" -d 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "resolve" -d 'Settle a collision that `tiketti sync` recorded on a ticket'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "merge-file" -d 'Merge three versions of a ticket file as `tiketti sync` does (git\'s merge driver)'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "completions" -d 'Print a completion script for SHELL'
complete -c tiketti -n "__fish_tiketti_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand init" -l name -d 'The helpdesk\'s name, as customers will see it' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand init" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -s s -l subject -d 'One line that says what it is about' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -s r -l requester -d 'Who asked: "Name <email>", an e-mail address, or a name' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l channel -d 'Where it came from: phone, chat, web, social, walk-in, email (tiketti.yaml `channels`)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l category -d 'The kind of request (tiketti.yaml `categories`)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l priority -d 'How urgent (tiketti.yaml `priorities`; default: defaults.priority)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l due -d 'A date (2026-11-30), a time (2026-11-30T15:00:00Z), today, tomorrow, or from now: 4h, 3d, 2w' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l assignee -d 'An agent id, `me`, or `none`' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l group -d 'The team that owns it (tiketti.yaml `groups`)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l tag -d 'A tag; repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l cc -d 'Another participant, "Name <email>"; repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l field -d 'A custom field; repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -s m -l message -d 'The text; repeat for more paragraphs' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l mbox -d 'Every message in these mbox files (mboxo, mboxrd, Content-Length)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l maildir -d 'Every message in new/ and cur/ of a Maildir that is not flagged Seen; each one processed is moved to cur/ and flagged Seen, so a re-run skips it' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l time -d 'Take each message\'s time from its Date header (default for files, mbox and Maildir) or from its arrival (default for standard input)' -r -f -a "header\t''
arrival\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l format -d 'table (a summary line) or json (every message\'s outcome)' -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l drain -d 'Process only what waits in the spool (left by a run that could not finish)'
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l spool-only -d 'Spool the message on standard input and exit; a later `ingest --drain` processes it'
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -l no-acknowledge -d 'Send no acknowledgements (for imports of old mail; messages dated more than a day ago never get one anyway)'
complete -c tiketti -n "__fish_tiketti_using_subcommand ingest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand show" -l format -d 'table (for people) or json' -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand show" -l history -d 'How many history entries to show' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand show" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand show" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l status -d 'Only tickets in this status; repeat or separate with commas for several' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l assignee -d 'An agent id, `me`, or `none` for unassigned tickets' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l group -d 'Only tickets of this group' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l category -d 'Only tickets of this category' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l priority -d 'Only tickets of this priority' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l tag -d 'Only tickets with this tag; repeat to require several' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l requester -d 'Only tickets whose requester\'s name or address contains TEXT (case-insensitive)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l channel -d 'Only tickets from this channel (email, phone, chat, …)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l due-before -d 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l created-since -d 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l parent -d 'Only the child tickets of ID' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l tracker -d 'Only the tickets linked to tracker ID' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l due-within -d 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l sort -d 'created, due, priority (low to high), status, subject, assignee or id; prefix - to reverse (-priority: most urgent first)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l limit -d 'At most N tickets' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l format -r -f -a "table\t''
json\t''
csv\t''
ids\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l open -d 'Only open tickets: any status whose category is not solved or closed'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l overdue -d 'Only open tickets past their due date'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l collisions -d 'Only tickets with a collision from a sync to settle (`tiketti resolve`)'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l has-open-children -d 'Only tickets that have a child ticket still open'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -l sla-breach -d 'Only tickets that breached an SLA target (first response or resolution)'
complete -c tiketti -n "__fish_tiketti_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l status -d 'Only tickets in this status; repeat or separate with commas for several' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l assignee -d 'An agent id, `me`, or `none` for unassigned tickets' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l group -d 'Only tickets of this group' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l category -d 'Only tickets of this category' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l priority -d 'Only tickets of this priority' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l tag -d 'Only tickets with this tag; repeat to require several' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l requester -d 'Only tickets whose requester\'s name or address contains TEXT (case-insensitive)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l channel -d 'Only tickets from this channel (email, phone, chat, …)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l due-before -d 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l created-since -d 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l parent -d 'Only the child tickets of ID' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l tracker -d 'Only the tickets linked to tracker ID' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l due-within -d 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l limit -d 'At most N tickets; 0 for all' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l format -r -f -a "table\t''
json\t''
csv\t''
ids\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l open -d 'Only open tickets: any status whose category is not solved or closed'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l overdue -d 'Only open tickets past their due date'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l collisions -d 'Only tickets with a collision from a sync to settle (`tiketti resolve`)'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l has-open-children -d 'Only tickets that have a child ticket still open'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l sla-breach -d 'Only tickets that breached an SLA target (first response or resolution)'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -l reindex -d 'Read every event file again into the search cache (after an event file was edited in place by hand); with no TEXT, only that'
complete -c tiketti -n "__fish_tiketti_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand assign" -l group -d 'Also move it to this group (`none` clears the group)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand assign" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand assign" -l me -d 'Assign it to yourself'
complete -c tiketti -n "__fish_tiketti_using_subcommand assign" -l none -d 'Assign it to nobody'
complete -c tiketti -n "__fish_tiketti_using_subcommand assign" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand status" -l force -d 'Solve or close a parent although a child ticket is open; the reason is recorded in a note' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand status" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand status" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand solve" -l force -d 'Solve or close a parent although a child ticket is open; the reason is recorded in a note' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand solve" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand solve" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand close" -l force -d 'Solve or close a parent although a child ticket is open; the reason is recorded in a note' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand close" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand close" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand reopen" -l force -d 'Solve or close a parent although a child ticket is open; the reason is recorded in a note' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand reopen" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand reopen" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand set" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand note" -s m -l message -d 'The text; repeat for more paragraphs' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand note" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand note" -l attach -d 'Attach a file; repeat for more' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand note" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand note" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -s m -l message -d 'The text; repeat for more paragraphs' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -s t -l template -d 'Fill the reply from templates/NAME.md (`tiketti template list`)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l attach -d 'Attach a file; repeat for more' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l status -d 'Move the ticket to this status in the same step (pending: waiting for the customer; solved)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l cc -d 'Also send to this address (this reply only); repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l edit -d 'Open the filled template in your editor before sending'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l no-cc -d 'Send to the requester only, not to the ticket\'s other participants'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l queue -d 'Queue the reply without sending it now (`tiketti outbox flush` sends it)'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l to-linked -d 'ID is a tracker: send the reply to the requester of every linked ticket, once each, and move those tickets to defaults.linked (solved)'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -l leave-open -d 'With --to-linked: leave the linked tickets\' status as it is'
complete -c tiketti -n "__fish_tiketti_using_subcommand reply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -s s -l subject -d 'The new child\'s subject (default: the parent\'s)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l group -d 'The team that owns the child' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l assignee -d 'An agent id, `me`, or `none`' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l category -d 'The child\'s category (default: the parent\'s)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -s r -l requester -d 'The child\'s requester (default: the parent\'s)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l tag -d 'The child\'s tags (default: the parent\'s); repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l priority -d 'How urgent (default: the parent\'s priority)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -s m -l message -d 'The text; repeat for more paragraphs' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand link-child" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand unlink" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand unlink" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -s s -l subject -d 'The new tracker\'s subject' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -l group -d 'The new tracker\'s group (who fixes it, e.g. product development)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -l assignee -d 'The new tracker\'s assignee: an agent id or `me`' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -s m -l message -d 'The text; repeat for more paragraphs' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -s F -l file -d 'Read the text from FILE (`-` for standard input)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -l new -d 'Create a new tracker ticket (needs --subject)'
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -l remove -d 'Unlink these tickets from their tracker'
complete -c tiketti -n "__fish_tiketti_using_subcommand track" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -f -a "list" -d 'List the templates with their descriptions'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -f -a "show" -d 'Print a template; with --ticket, filled in for that ticket as a reply would be'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -f -a "placeholders" -d 'List the placeholders a template may use'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and not __fish_seen_subcommand_from list show placeholders help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from list" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from show" -l ticket -d 'Fill the placeholders for this ticket' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from show" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from placeholders" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from placeholders" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the templates with their descriptions'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a template; with --ticket, filled in for that ticket as a reply would be'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "placeholders" -d 'List the placeholders a template may use'
complete -c tiketti -n "__fish_tiketti_using_subcommand template; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -f -a "list" -d 'List queued messages (with --sent or --dropped, those instead)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -f -a "show" -d 'Print one message as it is (or was) sent, after its outbox record'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -f -a "flush" -d 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -f -a "drop" -d 'Take messages out of the queue without sending them (kept in the outbox\'s dropped/)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and not __fish_seen_subcommand_from list show flush drop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from list" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from list" -l sent
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from list" -l dropped
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from show" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l format -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from flush" -l now -d 'Retry failed messages now instead of after their back-off'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from flush" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from drop" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List queued messages (with --sent or --dropped, those instead)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print one message as it is (or was) sent, after its outbox record'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "flush" -d 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Take messages out of the queue without sending them (kept in the outbox\'s dropped/)'
complete -c tiketti -n "__fish_tiketti_using_subcommand outbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -l agent -d 'Only these agents (id or e-mail); repeat for more' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -l format -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -l dry-run -d 'Print the digests instead of sending them'
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -l force -d 'Send even if today\'s digest was already sent'
complete -c tiketti -n "__fish_tiketti_using_subcommand remind" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l since -d 'First day of the period, like 2026-11-01 (default: 29 days before --until)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l until -d 'Last day of the period, included (default: today)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l by -d 'Figures of the period per agent, group, category, priority or channel' -r -f -a "agent\t''
group\t''
category\t''
priority\t''
channel\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l format -d 'table, json, csv, or html (one page with charts; use -o FILE)' -r -f -a "table\t''
json\t''
csv\t''
html\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l oldest -d 'How many of the oldest open tickets to list' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand log" -l format -d 'table (for people) or json' -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand log" -l limit -d 'At most N entries' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand log" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand log" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand edit" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -f -a "get" -d 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -f -a "set" -d 'Set one value, keeping comments and order, then validate and commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -f -a "check" -d 'Validate tiketti.yaml and list every problem with its line'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and not __fish_seen_subcommand_from get set check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from get" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from set" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from check" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set one value, keeping comments and order, then validate and commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate tiketti.yaml and list every problem with its line'
complete -c tiketti -n "__fish_tiketti_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand check" -l format -d 'table (FILE:LINE: MESSAGE lines) or json' -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand check" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -f -a "list" -d 'List quarantined messages with their reasons'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -f -a "show" -d 'Show one entry: its reason and the start of the message'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -f -a "retry" -d 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -f -a "drop" -d 'Delete entries for good (the commit history still has them)'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and not __fish_seen_subcommand_from list show retry drop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l format -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from show" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from retry" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from retry" -l all
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from drop" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "list" -d 'List quarantined messages with their reasons'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one entry: its reason and the start of the message'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "drop" -d 'Delete entries for good (the commit history still has them)'
complete -c tiketti -n "__fish_tiketti_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand customer" -l format -r -f -a "table\t''
json\t''
csv\t''
ids\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand customer" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand customer" -l open -d 'Only open tickets'
complete -c tiketti -n "__fish_tiketti_using_subcommand customer" -s h -l help -d 'Print help'
complete -c tiketti -n "__fish_tiketti_using_subcommand sync" -l format -d 'table (a summary on standard error) or json (on standard output)' -r -f -a "table\t''
json\t''"
complete -c tiketti -n "__fish_tiketti_using_subcommand sync" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand clone" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand clone" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand resolve" -l set -d 'Set the field to another value (an empty VALUE clears it)' -r
complete -c tiketti -n "__fish_tiketti_using_subcommand resolve" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand resolve" -l ours -d 'Take the value that was not kept'
complete -c tiketti -n "__fish_tiketti_using_subcommand resolve" -l theirs -d 'Keep the value that was already pushed'
complete -c tiketti -n "__fish_tiketti_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand merge-file" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand merge-file" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand completions" -l repo -d 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)' -r -F
complete -c tiketti -n "__fish_tiketti_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "init" -d 'Create a helpdesk in DIR (default: the current directory)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "new" -d 'Open a new ticket and print its ID'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "ingest" -d 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "show" -d 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "list" -d 'List tickets, oldest first'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "search" -d 'Find tickets by the words in them, best match first'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "assign" -d 'Give a ticket to an agent (and optionally a group), or take it off everyone\'s queue'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "status" -d 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "solve" -d 'Mark a ticket solved (the status in defaults.solve)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "close" -d 'Close a ticket (the status in defaults.close)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "reopen" -d 'Reopen a solved or closed ticket (the status in defaults.reopen)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "set" -d 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "note" -d 'Add an internal note to a ticket. Customers never see notes'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "reply" -d 'Reply to the customer by mail. The reply goes to the requester, with the ticket\'s other participants on Cc, threaded to the customer\'s latest message'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "link-child" -d 'Make a child ticket of PARENT for another team, or link an existing ticket as its child'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "unlink" -d 'Take a child ticket out of its parent (the child stays as it is otherwise)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "track" -d 'Link tickets to a tracker: one ticket for one problem that many customers report'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "template" -d 'Canned replies: Markdown files in templates/ with {{placeholders}}'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "outbox" -d 'Mail waiting to be sent from this clone: list, inspect, send or drop it'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "remind" -d 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "report" -d 'Report on the helpdesk: what is open now, or what happened in a period'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "log" -d 'Show who changed a ticket, what and when, newest first'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "edit" -d 'Edit a ticket\'s file (front matter and description) in your editor'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "config" -d 'Read, change or validate tiketti.yaml'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "check" -d 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "quarantine" -d 'Messages that could not be read as mail: list, inspect, retry or drop them'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "customer" -d 'Show one customer\'s tickets (as requester or participant) from every channel, newest first'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "sync" -d 'Exchange changes with the other agents\' clones through the git remote'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "clone" -d 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "resolve" -d 'Settle a collision that `tiketti sync` recorded on a ticket'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "merge-file" -d 'Merge three versions of a ticket file as `tiketti sync` does (git\'s merge driver)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "completions" -d 'Print a completion script for SHELL'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and not __fish_seen_subcommand_from init new ingest show list search assign status solve close reopen set note reply link-child unlink track template outbox remind report log edit config check quarantine customer sync clone resolve merge-file completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from template" -f -a "list" -d 'List the templates with their descriptions'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from template" -f -a "show" -d 'Print a template; with --ticket, filled in for that ticket as a reply would be'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from template" -f -a "placeholders" -d 'List the placeholders a template may use'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "list" -d 'List queued messages (with --sent or --dropped, those instead)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "show" -d 'Print one message as it is (or was) sent, after its outbox record'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "flush" -d 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from outbox" -f -a "drop" -d 'Take messages out of the queue without sending them (kept in the outbox\'s dropped/)'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set one value, keeping comments and order, then validate and commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate tiketti.yaml and list every problem with its line'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "list" -d 'List quarantined messages with their reasons'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "show" -d 'Show one entry: its reason and the start of the message'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "retry" -d 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
complete -c tiketti -n "__fish_tiketti_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "drop" -d 'Delete entries for good (the commit history still has them)'
