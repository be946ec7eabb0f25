use builtin;
use str;

set edit:completion:arg-completer[tiketti] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tiketti'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tiketti'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a helpdesk in DIR (default: the current directory)'
            cand new 'Open a new ticket and print its ID'
            cand ingest 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs'
            cand show 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history'
            cand list 'List tickets, oldest first'
            cand search 'Find tickets by the words in them, best match first'
            cand assign 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue'
            cand status 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)'
            cand solve 'Mark a ticket solved (the status in defaults.solve)'
            cand close 'Close a ticket (the status in defaults.close)'
            cand reopen 'Reopen a solved or closed ticket (the status in defaults.reopen)'
            cand set 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields'
            cand note 'Add an internal note to a ticket. Customers never see notes'
            cand reply 'Reply to the customer by mail. The reply goes to the requester, with the ticket''s other participants on Cc, threaded to the customer''s latest message'
            cand link-child 'Make a child ticket of PARENT for another team, or link an existing ticket as its child'
            cand unlink 'Take a child ticket out of its parent (the child stays as it is otherwise)'
            cand track 'Link tickets to a tracker: one ticket for one problem that many customers report'
            cand template 'Canned replies: Markdown files in templates/ with {{placeholders}}'
            cand outbox 'Mail waiting to be sent from this clone: list, inspect, send or drop it'
            cand remind 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target'
            cand report 'Report on the helpdesk: what is open now, or what happened in a period'
            cand log 'Show who changed a ticket, what and when, newest first'
            cand edit 'Edit a ticket''s file (front matter and description) in your editor'
            cand config 'Read, change or validate tiketti.yaml'
            cand check 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE'
            cand quarantine 'Messages that could not be read as mail: list, inspect, retry or drop them'
            cand customer 'Show one customer''s tickets (as requester or participant) from every channel, newest first'
            cand sync 'Exchange changes with the other agents'' clones through the git remote'
            cand clone 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`'
            cand resolve 'Settle a collision that `tiketti sync` recorded on a ticket'
            cand merge-file 'Merge three versions of a ticket file as `tiketti sync` does (git''s merge driver)'
            cand completions 'Print a completion script for SHELL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;init'= {
            cand --name 'The helpdesk''s name, as customers will see it'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;new'= {
            cand -s 'One line that says what it is about'
            cand --subject 'One line that says what it is about'
            cand -r 'Who asked: "Name <email>", an e-mail address, or a name'
            cand --requester 'Who asked: "Name <email>", an e-mail address, or a name'
            cand --channel 'Where it came from: phone, chat, web, social, walk-in, email (tiketti.yaml `channels`)'
            cand --category 'The kind of request (tiketti.yaml `categories`)'
            cand --priority 'How urgent (tiketti.yaml `priorities`; default: defaults.priority)'
            cand --due 'A date (2026-11-30), a time (2026-11-30T15:00:00Z), today, tomorrow, or from now: 4h, 3d, 2w'
            cand --assignee 'An agent id, `me`, or `none`'
            cand --group 'The team that owns it (tiketti.yaml `groups`)'
            cand --tag 'A tag; repeat for more'
            cand --cc 'Another participant, "Name <email>"; repeat for more'
            cand --field 'A custom field; repeat for more'
            cand -m 'The text; repeat for more paragraphs'
            cand --message 'The text; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;ingest'= {
            cand --mbox 'Every message in these mbox files (mboxo, mboxrd, Content-Length)'
            cand --maildir 'Every message in new/ and cur/ of a Maildir that is not flagged Seen; each one processed is moved to cur/ and flagged Seen, so a re-run skips it'
            cand --time 'Take each message''s time from its Date header (default for files, mbox and Maildir) or from its arrival (default for standard input)'
            cand --format 'table (a summary line) or json (every message''s outcome)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --drain 'Process only what waits in the spool (left by a run that could not finish)'
            cand --spool-only 'Spool the message on standard input and exit; a later `ingest --drain` processes it'
            cand --no-acknowledge 'Send no acknowledgements (for imports of old mail; messages dated more than a day ago never get one anyway)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;show'= {
            cand --format 'table (for people) or json'
            cand --history 'How many history entries to show'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;list'= {
            cand --status 'Only tickets in this status; repeat or separate with commas for several'
            cand --assignee 'An agent id, `me`, or `none` for unassigned tickets'
            cand --group 'Only tickets of this group'
            cand --category 'Only tickets of this category'
            cand --priority 'Only tickets of this priority'
            cand --tag 'Only tickets with this tag; repeat to require several'
            cand --requester 'Only tickets whose requester''s name or address contains TEXT (case-insensitive)'
            cand --channel 'Only tickets from this channel (email, phone, chat, …)'
            cand --due-before 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)'
            cand --created-since 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)'
            cand --parent 'Only the child tickets of ID'
            cand --tracker 'Only the tickets linked to tracker ID'
            cand --due-within 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included'
            cand --sort 'created, due, priority (low to high), status, subject, assignee or id; prefix - to reverse (-priority: most urgent first)'
            cand --limit 'At most N tickets'
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --open 'Only open tickets: any status whose category is not solved or closed'
            cand --overdue 'Only open tickets past their due date'
            cand --collisions 'Only tickets with a collision from a sync to settle (`tiketti resolve`)'
            cand --has-open-children 'Only tickets that have a child ticket still open'
            cand --sla-breach 'Only tickets that breached an SLA target (first response or resolution)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;search'= {
            cand --status 'Only tickets in this status; repeat or separate with commas for several'
            cand --assignee 'An agent id, `me`, or `none` for unassigned tickets'
            cand --group 'Only tickets of this group'
            cand --category 'Only tickets of this category'
            cand --priority 'Only tickets of this priority'
            cand --tag 'Only tickets with this tag; repeat to require several'
            cand --requester 'Only tickets whose requester''s name or address contains TEXT (case-insensitive)'
            cand --channel 'Only tickets from this channel (email, phone, chat, …)'
            cand --due-before 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)'
            cand --created-since 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)'
            cand --parent 'Only the child tickets of ID'
            cand --tracker 'Only the tickets linked to tracker ID'
            cand --due-within 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included'
            cand --limit 'At most N tickets; 0 for all'
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --open 'Only open tickets: any status whose category is not solved or closed'
            cand --overdue 'Only open tickets past their due date'
            cand --collisions 'Only tickets with a collision from a sync to settle (`tiketti resolve`)'
            cand --has-open-children 'Only tickets that have a child ticket still open'
            cand --sla-breach 'Only tickets that breached an SLA target (first response or resolution)'
            cand --reindex 'Read every event file again into the search cache (after an event file was edited in place by hand); with no TEXT, only that'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;assign'= {
            cand --group 'Also move it to this group (`none` clears the group)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --me 'Assign it to yourself'
            cand --none 'Assign it to nobody'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;status'= {
            cand --force 'Solve or close a parent although a child ticket is open; the reason is recorded in a note'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;solve'= {
            cand --force 'Solve or close a parent although a child ticket is open; the reason is recorded in a note'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;close'= {
            cand --force 'Solve or close a parent although a child ticket is open; the reason is recorded in a note'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;reopen'= {
            cand --force 'Solve or close a parent although a child ticket is open; the reason is recorded in a note'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;set'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;note'= {
            cand -m 'The text; repeat for more paragraphs'
            cand --message 'The text; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand --attach 'Attach a file; repeat for more'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;reply'= {
            cand -m 'The text; repeat for more paragraphs'
            cand --message 'The text; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand -t 'Fill the reply from templates/NAME.md (`tiketti template list`)'
            cand --template 'Fill the reply from templates/NAME.md (`tiketti template list`)'
            cand --attach 'Attach a file; repeat for more'
            cand --status 'Move the ticket to this status in the same step (pending: waiting for the customer; solved)'
            cand --cc 'Also send to this address (this reply only); repeat for more'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --edit 'Open the filled template in your editor before sending'
            cand --no-cc 'Send to the requester only, not to the ticket''s other participants'
            cand --queue 'Queue the reply without sending it now (`tiketti outbox flush` sends it)'
            cand --to-linked 'ID is a tracker: send the reply to the requester of every linked ticket, once each, and move those tickets to defaults.linked (solved)'
            cand --leave-open 'With --to-linked: leave the linked tickets'' status as it is'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;link-child'= {
            cand -s 'The new child''s subject (default: the parent''s)'
            cand --subject 'The new child''s subject (default: the parent''s)'
            cand --group 'The team that owns the child'
            cand --assignee 'An agent id, `me`, or `none`'
            cand --category 'The child''s category (default: the parent''s)'
            cand -r 'The child''s requester (default: the parent''s)'
            cand --requester 'The child''s requester (default: the parent''s)'
            cand --tag 'The child''s tags (default: the parent''s); repeat for more'
            cand --priority 'How urgent (default: the parent''s priority)'
            cand -m 'The text; repeat for more paragraphs'
            cand --message 'The text; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;unlink'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;track'= {
            cand -s 'The new tracker''s subject'
            cand --subject 'The new tracker''s subject'
            cand --group 'The new tracker''s group (who fixes it, e.g. product development)'
            cand --assignee 'The new tracker''s assignee: an agent id or `me`'
            cand -m 'The text; repeat for more paragraphs'
            cand --message 'The text; repeat for more paragraphs'
            cand -F 'Read the text from FILE (`-` for standard input)'
            cand --file 'Read the text from FILE (`-` for standard input)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --new 'Create a new tracker ticket (needs --subject)'
            cand --remove 'Unlink these tickets from their tracker'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;template'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List the templates with their descriptions'
            cand show 'Print a template; with --ticket, filled in for that ticket as a reply would be'
            cand placeholders 'List the placeholders a template may use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;template;list'= {
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;template;show'= {
            cand --ticket 'Fill the placeholders for this ticket'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;template;placeholders'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;template;help'= {
            cand list 'List the templates with their descriptions'
            cand show 'Print a template; with --ticket, filled in for that ticket as a reply would be'
            cand placeholders 'List the placeholders a template may use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;template;help;list'= {
        }
        &'tiketti;template;help;show'= {
        }
        &'tiketti;template;help;placeholders'= {
        }
        &'tiketti;template;help;help'= {
        }
        &'tiketti;outbox'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List queued messages (with --sent or --dropped, those instead)'
            cand show 'Print one message as it is (or was) sent, after its outbox record'
            cand flush 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
            cand drop 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;outbox;list'= {
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --sent 'sent'
            cand --dropped 'dropped'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;outbox;show'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;outbox;flush'= {
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --now 'Retry failed messages now instead of after their back-off'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;outbox;drop'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;outbox;help'= {
            cand list 'List queued messages (with --sent or --dropped, those instead)'
            cand show 'Print one message as it is (or was) sent, after its outbox record'
            cand flush 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
            cand drop 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;outbox;help;list'= {
        }
        &'tiketti;outbox;help;show'= {
        }
        &'tiketti;outbox;help;flush'= {
        }
        &'tiketti;outbox;help;drop'= {
        }
        &'tiketti;outbox;help;help'= {
        }
        &'tiketti;remind'= {
            cand --agent 'Only these agents (id or e-mail); repeat for more'
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --dry-run 'Print the digests instead of sending them'
            cand --force 'Send even if today''s digest was already sent'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;report'= {
            cand --since 'First day of the period, like 2026-11-01 (default: 29 days before --until)'
            cand --until 'Last day of the period, included (default: today)'
            cand --by 'Figures of the period per agent, group, category, priority or channel'
            cand --format 'table, json, csv, or html (one page with charts; use -o FILE)'
            cand -o 'Write the report to FILE instead of standard output'
            cand --output 'Write the report to FILE instead of standard output'
            cand --oldest 'How many of the oldest open tickets to list'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;log'= {
            cand --format 'table (for people) or json'
            cand --limit 'At most N entries'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;edit'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;config'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand get 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
            cand set 'Set one value, keeping comments and order, then validate and commit'
            cand check 'Validate tiketti.yaml and list every problem with its line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;config;get'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;config;set'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;config;check'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;config;help'= {
            cand get 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
            cand set 'Set one value, keeping comments and order, then validate and commit'
            cand check 'Validate tiketti.yaml and list every problem with its line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;config;help;get'= {
        }
        &'tiketti;config;help;set'= {
        }
        &'tiketti;config;help;check'= {
        }
        &'tiketti;config;help;help'= {
        }
        &'tiketti;check'= {
            cand --format 'table (FILE:LINE: MESSAGE lines) or json'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;quarantine'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List quarantined messages with their reasons'
            cand show 'Show one entry: its reason and the start of the message'
            cand retry 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
            cand drop 'Delete entries for good (the commit history still has them)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;quarantine;list'= {
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;quarantine;show'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;quarantine;retry'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --all 'all'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;quarantine;drop'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;quarantine;help'= {
            cand list 'List quarantined messages with their reasons'
            cand show 'Show one entry: its reason and the start of the message'
            cand retry 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
            cand drop 'Delete entries for good (the commit history still has them)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;quarantine;help;list'= {
        }
        &'tiketti;quarantine;help;show'= {
        }
        &'tiketti;quarantine;help;retry'= {
        }
        &'tiketti;quarantine;help;drop'= {
        }
        &'tiketti;quarantine;help;help'= {
        }
        &'tiketti;customer'= {
            cand --format 'format'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --open 'Only open tickets'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'tiketti;sync'= {
            cand --format 'table (a summary on standard error) or json (on standard output)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;clone'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;resolve'= {
            cand --set 'Set the field to another value (an empty VALUE clears it)'
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand --ours 'Take the value that was not kept'
            cand --theirs 'Keep the value that was already pushed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;merge-file'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;completions'= {
            cand --repo 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tiketti;help'= {
            cand init 'Create a helpdesk in DIR (default: the current directory)'
            cand new 'Open a new ticket and print its ID'
            cand ingest 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs'
            cand show 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history'
            cand list 'List tickets, oldest first'
            cand search 'Find tickets by the words in them, best match first'
            cand assign 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue'
            cand status 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)'
            cand solve 'Mark a ticket solved (the status in defaults.solve)'
            cand close 'Close a ticket (the status in defaults.close)'
            cand reopen 'Reopen a solved or closed ticket (the status in defaults.reopen)'
            cand set 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields'
            cand note 'Add an internal note to a ticket. Customers never see notes'
            cand reply 'Reply to the customer by mail. The reply goes to the requester, with the ticket''s other participants on Cc, threaded to the customer''s latest message'
            cand link-child 'Make a child ticket of PARENT for another team, or link an existing ticket as its child'
            cand unlink 'Take a child ticket out of its parent (the child stays as it is otherwise)'
            cand track 'Link tickets to a tracker: one ticket for one problem that many customers report'
            cand template 'Canned replies: Markdown files in templates/ with {{placeholders}}'
            cand outbox 'Mail waiting to be sent from this clone: list, inspect, send or drop it'
            cand remind 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target'
            cand report 'Report on the helpdesk: what is open now, or what happened in a period'
            cand log 'Show who changed a ticket, what and when, newest first'
            cand edit 'Edit a ticket''s file (front matter and description) in your editor'
            cand config 'Read, change or validate tiketti.yaml'
            cand check 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE'
            cand quarantine 'Messages that could not be read as mail: list, inspect, retry or drop them'
            cand customer 'Show one customer''s tickets (as requester or participant) from every channel, newest first'
            cand sync 'Exchange changes with the other agents'' clones through the git remote'
            cand clone 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`'
            cand resolve 'Settle a collision that `tiketti sync` recorded on a ticket'
            cand merge-file 'Merge three versions of a ticket file as `tiketti sync` does (git''s merge driver)'
            cand completions 'Print a completion script for SHELL'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tiketti;help;init'= {
        }
        &'tiketti;help;new'= {
        }
        &'tiketti;help;ingest'= {
        }
        &'tiketti;help;show'= {
        }
        &'tiketti;help;list'= {
        }
        &'tiketti;help;search'= {
        }
        &'tiketti;help;assign'= {
        }
        &'tiketti;help;status'= {
        }
        &'tiketti;help;solve'= {
        }
        &'tiketti;help;close'= {
        }
        &'tiketti;help;reopen'= {
        }
        &'tiketti;help;set'= {
        }
        &'tiketti;help;note'= {
        }
        &'tiketti;help;reply'= {
        }
        &'tiketti;help;link-child'= {
        }
        &'tiketti;help;unlink'= {
        }
        &'tiketti;help;track'= {
        }
        &'tiketti;help;template'= {
            cand list 'List the templates with their descriptions'
            cand show 'Print a template; with --ticket, filled in for that ticket as a reply would be'
            cand placeholders 'List the placeholders a template may use'
        }
        &'tiketti;help;template;list'= {
        }
        &'tiketti;help;template;show'= {
        }
        &'tiketti;help;template;placeholders'= {
        }
        &'tiketti;help;outbox'= {
            cand list 'List queued messages (with --sent or --dropped, those instead)'
            cand show 'Print one message as it is (or was) sent, after its outbox record'
            cand flush 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given'
            cand drop 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)'
        }
        &'tiketti;help;outbox;list'= {
        }
        &'tiketti;help;outbox;show'= {
        }
        &'tiketti;help;outbox;flush'= {
        }
        &'tiketti;help;outbox;drop'= {
        }
        &'tiketti;help;remind'= {
        }
        &'tiketti;help;report'= {
        }
        &'tiketti;help;log'= {
        }
        &'tiketti;help;edit'= {
        }
        &'tiketti;help;config'= {
            cand get 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file'
            cand set 'Set one value, keeping comments and order, then validate and commit'
            cand check 'Validate tiketti.yaml and list every problem with its line'
        }
        &'tiketti;help;config;get'= {
        }
        &'tiketti;help;config;set'= {
        }
        &'tiketti;help;config;check'= {
        }
        &'tiketti;help;check'= {
        }
        &'tiketti;help;quarantine'= {
            cand list 'List quarantined messages with their reasons'
            cand show 'Show one entry: its reason and the start of the message'
            cand retry 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit'
            cand drop 'Delete entries for good (the commit history still has them)'
        }
        &'tiketti;help;quarantine;list'= {
        }
        &'tiketti;help;quarantine;show'= {
        }
        &'tiketti;help;quarantine;retry'= {
        }
        &'tiketti;help;quarantine;drop'= {
        }
        &'tiketti;help;customer'= {
        }
        &'tiketti;help;sync'= {
        }
        &'tiketti;help;clone'= {
        }
        &'tiketti;help;resolve'= {
        }
        &'tiketti;help;merge-file'= {
        }
        &'tiketti;help;completions'= {
        }
        &'tiketti;help;help'= {
        }
    ]
    $completions[$command]
}
