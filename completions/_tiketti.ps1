using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tiketti' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tiketti'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tiketti' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a helpdesk in DIR (default: the current directory)')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Open a new ticket and print its ID')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tickets, oldest first')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find tickets by the words in them, best match first')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)')
            [CompletionResult]::new('solve', 'solve', [CompletionResultType]::ParameterValue, 'Mark a ticket solved (the status in defaults.solve)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket (the status in defaults.close)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a solved or closed ticket (the status in defaults.reopen)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note to a ticket. Customers never see notes')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to the customer by mail. The reply goes to the requester, with the ticket''s other participants on Cc, threaded to the customer''s latest message')
            [CompletionResult]::new('link-child', 'link-child', [CompletionResultType]::ParameterValue, 'Make a child ticket of PARENT for another team, or link an existing ticket as its child')
            [CompletionResult]::new('unlink', 'unlink', [CompletionResultType]::ParameterValue, 'Take a child ticket out of its parent (the child stays as it is otherwise)')
            [CompletionResult]::new('track', 'track', [CompletionResultType]::ParameterValue, 'Link tickets to a tracker: one ticket for one problem that many customers report')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Canned replies: Markdown files in templates/ with {{placeholders}}')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'Mail waiting to be sent from this clone: list, inspect, send or drop it')
            [CompletionResult]::new('remind', 'remind', [CompletionResultType]::ParameterValue, 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Report on the helpdesk: what is open now, or what happened in a period')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show who changed a ticket, what and when, newest first')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a ticket''s file (front matter and description) in your editor')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read, change or validate tiketti.yaml')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE')
            [CompletionResult]::new('quarantine', 'quarantine', [CompletionResultType]::ParameterValue, 'Messages that could not be read as mail: list, inspect, retry or drop them')
            [CompletionResult]::new('customer', 'customer', [CompletionResultType]::ParameterValue, 'Show one customer''s tickets (as requester or participant) from every channel, newest first')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Exchange changes with the other agents'' clones through the git remote')
            [CompletionResult]::new('clone', 'clone', [CompletionResultType]::ParameterValue, 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Settle a collision that `tiketti sync` recorded on a ticket')
            [CompletionResult]::new('merge-file', 'merge-file', [CompletionResultType]::ParameterValue, 'Merge three versions of a ticket file as `tiketti sync` does (git''s merge driver)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for SHELL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The helpdesk''s name, as customers will see it')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;new' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'One line that says what it is about')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'One line that says what it is about')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Who asked: "Name <email>", an e-mail address, or a name')
            [CompletionResult]::new('--requester', '--requester', [CompletionResultType]::ParameterName, 'Who asked: "Name <email>", an e-mail address, or a name')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Where it came from: phone, chat, web, social, walk-in, email (tiketti.yaml `channels`)')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'The kind of request (tiketti.yaml `categories`)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'How urgent (tiketti.yaml `priorities`; default: defaults.priority)')
            [CompletionResult]::new('--due', '--due', [CompletionResultType]::ParameterName, 'A date (2026-11-30), a time (2026-11-30T15:00:00Z), today, tomorrow, or from now: 4h, 3d, 2w')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'An agent id, `me`, or `none`')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The team that owns it (tiketti.yaml `groups`)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A tag; repeat for more')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Another participant, "Name <email>"; repeat for more')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'A custom field; repeat for more')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;ingest' {
            [CompletionResult]::new('--mbox', '--mbox', [CompletionResultType]::ParameterName, 'Every message in these mbox files (mboxo, mboxrd, Content-Length)')
            [CompletionResult]::new('--maildir', '--maildir', [CompletionResultType]::ParameterName, 'Every message in new/ and cur/ of a Maildir that is not flagged Seen; each one processed is moved to cur/ and flagged Seen, so a re-run skips it')
            [CompletionResult]::new('--time', '--time', [CompletionResultType]::ParameterName, 'Take each message''s time from its Date header (default for files, mbox and Maildir) or from its arrival (default for standard input)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (a summary line) or json (every message''s outcome)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Process only what waits in the spool (left by a run that could not finish)')
            [CompletionResult]::new('--spool-only', '--spool-only', [CompletionResultType]::ParameterName, 'Spool the message on standard input and exit; a later `ingest --drain` processes it')
            [CompletionResult]::new('--no-acknowledge', '--no-acknowledge', [CompletionResultType]::ParameterName, 'Send no acknowledgements (for imports of old mail; messages dated more than a day ago never get one anyway)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (for people) or json')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'How many history entries to show')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only tickets in this status; repeat or separate with commas for several')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'An agent id, `me`, or `none` for unassigned tickets')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only tickets of this group')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only tickets of this category')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Only tickets of this priority')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only tickets with this tag; repeat to require several')
            [CompletionResult]::new('--requester', '--requester', [CompletionResultType]::ParameterName, 'Only tickets whose requester''s name or address contains TEXT (case-insensitive)')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only tickets from this channel (email, phone, chat, …)')
            [CompletionResult]::new('--due-before', '--due-before', [CompletionResultType]::ParameterName, 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)')
            [CompletionResult]::new('--created-since', '--created-since', [CompletionResultType]::ParameterName, 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'Only the child tickets of ID')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Only the tickets linked to tracker ID')
            [CompletionResult]::new('--due-within', '--due-within', [CompletionResultType]::ParameterName, 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'created, due, priority (low to high), status, subject, assignee or id; prefix - to reverse (-priority: most urgent first)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N tickets')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only open tickets: any status whose category is not solved or closed')
            [CompletionResult]::new('--overdue', '--overdue', [CompletionResultType]::ParameterName, 'Only open tickets past their due date')
            [CompletionResult]::new('--collisions', '--collisions', [CompletionResultType]::ParameterName, 'Only tickets with a collision from a sync to settle (`tiketti resolve`)')
            [CompletionResult]::new('--has-open-children', '--has-open-children', [CompletionResultType]::ParameterName, 'Only tickets that have a child ticket still open')
            [CompletionResult]::new('--sla-breach', '--sla-breach', [CompletionResultType]::ParameterName, 'Only tickets that breached an SLA target (first response or resolution)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;search' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only tickets in this status; repeat or separate with commas for several')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'An agent id, `me`, or `none` for unassigned tickets')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only tickets of this group')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'Only tickets of this category')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Only tickets of this priority')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only tickets with this tag; repeat to require several')
            [CompletionResult]::new('--requester', '--requester', [CompletionResultType]::ParameterName, 'Only tickets whose requester''s name or address contains TEXT (case-insensitive)')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only tickets from this channel (email, phone, chat, …)')
            [CompletionResult]::new('--due-before', '--due-before', [CompletionResultType]::ParameterName, 'Only tickets due before DATE (2026-11-30 or an RFC 3339 time)')
            [CompletionResult]::new('--created-since', '--created-since', [CompletionResultType]::ParameterName, 'Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'Only the child tickets of ID')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Only the tickets linked to tracker ID')
            [CompletionResult]::new('--due-within', '--due-within', [CompletionResultType]::ParameterName, 'Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h, 30m or 2d; those already past it included')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N tickets; 0 for all')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only open tickets: any status whose category is not solved or closed')
            [CompletionResult]::new('--overdue', '--overdue', [CompletionResultType]::ParameterName, 'Only open tickets past their due date')
            [CompletionResult]::new('--collisions', '--collisions', [CompletionResultType]::ParameterName, 'Only tickets with a collision from a sync to settle (`tiketti resolve`)')
            [CompletionResult]::new('--has-open-children', '--has-open-children', [CompletionResultType]::ParameterName, 'Only tickets that have a child ticket still open')
            [CompletionResult]::new('--sla-breach', '--sla-breach', [CompletionResultType]::ParameterName, 'Only tickets that breached an SLA target (first response or resolution)')
            [CompletionResult]::new('--reindex', '--reindex', [CompletionResultType]::ParameterName, 'Read every event file again into the search cache (after an event file was edited in place by hand); with no TEXT, only that')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;assign' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Also move it to this group (`none` clears the group)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--me', '--me', [CompletionResultType]::ParameterName, 'Assign it to yourself')
            [CompletionResult]::new('--none', '--none', [CompletionResultType]::ParameterName, 'Assign it to nobody')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;status' {
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Solve or close a parent although a child ticket is open; the reason is recorded in a note')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;solve' {
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Solve or close a parent although a child ticket is open; the reason is recorded in a note')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;close' {
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Solve or close a parent although a child ticket is open; the reason is recorded in a note')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;reopen' {
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Solve or close a parent although a child ticket is open; the reason is recorded in a note')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;set' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;note' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file; repeat for more')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;reply' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Fill the reply from templates/NAME.md (`tiketti template list`)')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Fill the reply from templates/NAME.md (`tiketti template list`)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Attach a file; repeat for more')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Move the ticket to this status in the same step (pending: waiting for the customer; solved)')
            [CompletionResult]::new('--cc', '--cc', [CompletionResultType]::ParameterName, 'Also send to this address (this reply only); repeat for more')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--edit', '--edit', [CompletionResultType]::ParameterName, 'Open the filled template in your editor before sending')
            [CompletionResult]::new('--no-cc', '--no-cc', [CompletionResultType]::ParameterName, 'Send to the requester only, not to the ticket''s other participants')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue the reply without sending it now (`tiketti outbox flush` sends it)')
            [CompletionResult]::new('--to-linked', '--to-linked', [CompletionResultType]::ParameterName, 'ID is a tracker: send the reply to the requester of every linked ticket, once each, and move those tickets to defaults.linked (solved)')
            [CompletionResult]::new('--leave-open', '--leave-open', [CompletionResultType]::ParameterName, 'With --to-linked: leave the linked tickets'' status as it is')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;link-child' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The new child''s subject (default: the parent''s)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'The new child''s subject (default: the parent''s)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The team that owns the child')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'An agent id, `me`, or `none`')
            [CompletionResult]::new('--category', '--category', [CompletionResultType]::ParameterName, 'The child''s category (default: the parent''s)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The child''s requester (default: the parent''s)')
            [CompletionResult]::new('--requester', '--requester', [CompletionResultType]::ParameterName, 'The child''s requester (default: the parent''s)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'The child''s tags (default: the parent''s); repeat for more')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'How urgent (default: the parent''s priority)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;unlink' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;track' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The new tracker''s subject')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'The new tracker''s subject')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The new tracker''s group (who fixes it, e.g. product development)')
            [CompletionResult]::new('--assignee', '--assignee', [CompletionResultType]::ParameterName, 'The new tracker''s assignee: an agent id or `me`')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The text; repeat for more paragraphs')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the text from FILE (`-` for standard input)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'Create a new tracker ticket (needs --subject)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Unlink these tickets from their tracker')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;template' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the templates with their descriptions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a template; with --ticket, filled in for that ticket as a reply would be')
            [CompletionResult]::new('placeholders', 'placeholders', [CompletionResultType]::ParameterValue, 'List the placeholders a template may use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;template;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;template;show' {
            [CompletionResult]::new('--ticket', '--ticket', [CompletionResultType]::ParameterName, 'Fill the placeholders for this ticket')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;template;placeholders' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;template;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the templates with their descriptions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a template; with --ticket, filled in for that ticket as a reply would be')
            [CompletionResult]::new('placeholders', 'placeholders', [CompletionResultType]::ParameterValue, 'List the placeholders a template may use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;template;help;list' {
            break
        }
        'tiketti;template;help;show' {
            break
        }
        'tiketti;template;help;placeholders' {
            break
        }
        'tiketti;template;help;help' {
            break
        }
        'tiketti;outbox' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List queued messages (with --sent or --dropped, those instead)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one message as it is (or was) sent, after its outbox record')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;outbox;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--sent', '--sent', [CompletionResultType]::ParameterName, 'sent')
            [CompletionResult]::new('--dropped', '--dropped', [CompletionResultType]::ParameterName, 'dropped')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;outbox;show' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;outbox;flush' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Retry failed messages now instead of after their back-off')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;outbox;drop' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;outbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List queued messages (with --sent or --dropped, those instead)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one message as it is (or was) sent, after its outbox record')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;outbox;help;list' {
            break
        }
        'tiketti;outbox;help;show' {
            break
        }
        'tiketti;outbox;help;flush' {
            break
        }
        'tiketti;outbox;help;drop' {
            break
        }
        'tiketti;outbox;help;help' {
            break
        }
        'tiketti;remind' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Only these agents (id or e-mail); repeat for more')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the digests instead of sending them')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Send even if today''s digest was already sent')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;report' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'First day of the period, like 2026-11-01 (default: 29 days before --until)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Last day of the period, included (default: today)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Figures of the period per agent, group, category, priority or channel')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table, json, csv, or html (one page with charts; use -o FILE)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE instead of standard output')
            [CompletionResult]::new('--oldest', '--oldest', [CompletionResultType]::ParameterName, 'How many of the oldest open tickets to list')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;log' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (for people) or json')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N entries')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;edit' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;config' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value, keeping comments and order, then validate and commit')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate tiketti.yaml and list every problem with its line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;config;get' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;config;set' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;config;check' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;config;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value, keeping comments and order, then validate and commit')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate tiketti.yaml and list every problem with its line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;config;help;get' {
            break
        }
        'tiketti;config;help;set' {
            break
        }
        'tiketti;config;help;check' {
            break
        }
        'tiketti;config;help;help' {
            break
        }
        'tiketti;check' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (FILE:LINE: MESSAGE lines) or json')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;quarantine' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List quarantined messages with their reasons')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entry: its reason and the start of the message')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete entries for good (the commit history still has them)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;quarantine;list' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;quarantine;show' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;quarantine;retry' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'all')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;quarantine;drop' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;quarantine;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List quarantined messages with their reasons')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entry: its reason and the start of the message')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete entries for good (the commit history still has them)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;quarantine;help;list' {
            break
        }
        'tiketti;quarantine;help;show' {
            break
        }
        'tiketti;quarantine;help;retry' {
            break
        }
        'tiketti;quarantine;help;drop' {
            break
        }
        'tiketti;quarantine;help;help' {
            break
        }
        'tiketti;customer' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only open tickets')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;sync' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table (a summary on standard error) or json (on standard output)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;clone' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;resolve' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set the field to another value (an empty VALUE clears it)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--ours', '--ours', [CompletionResultType]::ParameterName, 'Take the value that was not kept')
            [CompletionResult]::new('--theirs', '--theirs', [CompletionResultType]::ParameterName, 'Keep the value that was already pushed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;merge-file' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;completions' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tiketti;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a helpdesk in DIR (default: the current directory)')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Open a new ticket and print its ID')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Take in mail: a message on standard input (from the mail server), message files, mbox files or Maildirs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a ticket: its fields, description, thread (notes, messages, contacts), links and recent history')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tickets, oldest first')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find tickets by the words in them, best match first')
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)')
            [CompletionResult]::new('solve', 'solve', [CompletionResultType]::ParameterValue, 'Mark a ticket solved (the status in defaults.solve)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket (the status in defaults.close)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a solved or closed ticket (the status in defaults.reopen)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note to a ticket. Customers never see notes')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply to the customer by mail. The reply goes to the requester, with the ticket''s other participants on Cc, threaded to the customer''s latest message')
            [CompletionResult]::new('link-child', 'link-child', [CompletionResultType]::ParameterValue, 'Make a child ticket of PARENT for another team, or link an existing ticket as its child')
            [CompletionResult]::new('unlink', 'unlink', [CompletionResultType]::ParameterValue, 'Take a child ticket out of its parent (the child stays as it is otherwise)')
            [CompletionResult]::new('track', 'track', [CompletionResultType]::ParameterValue, 'Link tickets to a tracker: one ticket for one problem that many customers report')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Canned replies: Markdown files in templates/ with {{placeholders}}')
            [CompletionResult]::new('outbox', 'outbox', [CompletionResultType]::ParameterValue, 'Mail waiting to be sent from this clone: list, inspect, send or drop it')
            [CompletionResult]::new('remind', 'remind', [CompletionResultType]::ParameterValue, 'Mail each agent a digest of their open tickets that are overdue or due today, by their due date or an SLA target')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Report on the helpdesk: what is open now, or what happened in a period')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show who changed a ticket, what and when, newest first')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a ticket''s file (front matter and description) in your editor')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read, change or validate tiketti.yaml')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE')
            [CompletionResult]::new('quarantine', 'quarantine', [CompletionResultType]::ParameterValue, 'Messages that could not be read as mail: list, inspect, retry or drop them')
            [CompletionResult]::new('customer', 'customer', [CompletionResultType]::ParameterValue, 'Show one customer''s tickets (as requester or participant) from every channel, newest first')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Exchange changes with the other agents'' clones through the git remote')
            [CompletionResult]::new('clone', 'clone', [CompletionResultType]::ParameterValue, 'Copy a helpdesk from its git remote and set the copy up for `tiketti sync`')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Settle a collision that `tiketti sync` recorded on a ticket')
            [CompletionResult]::new('merge-file', 'merge-file', [CompletionResultType]::ParameterValue, 'Merge three versions of a ticket file as `tiketti sync` does (git''s merge driver)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for SHELL')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tiketti;help;init' {
            break
        }
        'tiketti;help;new' {
            break
        }
        'tiketti;help;ingest' {
            break
        }
        'tiketti;help;show' {
            break
        }
        'tiketti;help;list' {
            break
        }
        'tiketti;help;search' {
            break
        }
        'tiketti;help;assign' {
            break
        }
        'tiketti;help;status' {
            break
        }
        'tiketti;help;solve' {
            break
        }
        'tiketti;help;close' {
            break
        }
        'tiketti;help;reopen' {
            break
        }
        'tiketti;help;set' {
            break
        }
        'tiketti;help;note' {
            break
        }
        'tiketti;help;reply' {
            break
        }
        'tiketti;help;link-child' {
            break
        }
        'tiketti;help;unlink' {
            break
        }
        'tiketti;help;track' {
            break
        }
        'tiketti;help;template' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the templates with their descriptions')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print a template; with --ticket, filled in for that ticket as a reply would be')
            [CompletionResult]::new('placeholders', 'placeholders', [CompletionResultType]::ParameterValue, 'List the placeholders a template may use')
            break
        }
        'tiketti;help;template;list' {
            break
        }
        'tiketti;help;template;show' {
            break
        }
        'tiketti;help;template;placeholders' {
            break
        }
        'tiketti;help;outbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List queued messages (with --sent or --dropped, those instead)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one message as it is (or was) sent, after its outbox record')
            [CompletionResult]::new('flush', 'flush', [CompletionResultType]::ParameterValue, 'Send what is ready; a failed message stays queued with its error. Messages that failed recently wait (1 min, doubling up to 1 h) unless named or --now is given')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Take messages out of the queue without sending them (kept in the outbox''s dropped/)')
            break
        }
        'tiketti;help;outbox;list' {
            break
        }
        'tiketti;help;outbox;show' {
            break
        }
        'tiketti;help;outbox;flush' {
            break
        }
        'tiketti;help;outbox;drop' {
            break
        }
        'tiketti;help;remind' {
            break
        }
        'tiketti;help;report' {
            break
        }
        'tiketti;help;log' {
            break
        }
        'tiketti;help;edit' {
            break
        }
        'tiketti;help;config' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set one value, keeping comments and order, then validate and commit')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate tiketti.yaml and list every problem with its line')
            break
        }
        'tiketti;help;config;get' {
            break
        }
        'tiketti;help;config;set' {
            break
        }
        'tiketti;help;config;check' {
            break
        }
        'tiketti;help;check' {
            break
        }
        'tiketti;help;quarantine' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List quarantined messages with their reasons')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one entry: its reason and the start of the message')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Take entries in again (after a fix in tiketti or the config); a message that is read this time becomes a ticket and leaves the quarantine in the same commit')
            [CompletionResult]::new('drop', 'drop', [CompletionResultType]::ParameterValue, 'Delete entries for good (the commit history still has them)')
            break
        }
        'tiketti;help;quarantine;list' {
            break
        }
        'tiketti;help;quarantine;show' {
            break
        }
        'tiketti;help;quarantine;retry' {
            break
        }
        'tiketti;help;quarantine;drop' {
            break
        }
        'tiketti;help;customer' {
            break
        }
        'tiketti;help;sync' {
            break
        }
        'tiketti;help;clone' {
            break
        }
        'tiketti;help;resolve' {
            break
        }
        'tiketti;help;merge-file' {
            break
        }
        'tiketti;help;completions' {
            break
        }
        'tiketti;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
