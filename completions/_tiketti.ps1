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
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)')
            [CompletionResult]::new('solve', 'solve', [CompletionResultType]::ParameterValue, 'Mark a ticket solved (the status in defaults.solve)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket (the status in defaults.close)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a solved or closed ticket (the status in defaults.reopen)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note to a ticket. Customers never see notes')
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
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'created, due, priority (low to high), status, subject, assignee or id; prefix - to reverse (-priority: most urgent first)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N tickets')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Only open tickets: any status whose category is not solved or closed')
            [CompletionResult]::new('--overdue', '--overdue', [CompletionResultType]::ParameterName, 'Only open tickets past their due date')
            [CompletionResult]::new('--collisions', '--collisions', [CompletionResultType]::ParameterName, 'Only tickets with a collision from a sync to settle (`tiketti resolve`)')
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
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;solve' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;close' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The helpdesk directory (default: the nearest directory at or above the current one that holds tiketti.yaml)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'tiketti;reopen' {
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
            [CompletionResult]::new('assign', 'assign', [CompletionResultType]::ParameterValue, 'Give a ticket to an agent (and optionally a group), or take it off everyone''s queue')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`)')
            [CompletionResult]::new('solve', 'solve', [CompletionResultType]::ParameterValue, 'Mark a ticket solved (the status in defaults.solve)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a ticket (the status in defaults.close)')
            [CompletionResult]::new('reopen', 'reopen', [CompletionResultType]::ParameterValue, 'Reopen a solved or closed ticket (the status in defaults.reopen)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change fields: priority, due, category, subject, channel, requester, cc, tags and custom fields')
            [CompletionResult]::new('note', 'note', [CompletionResultType]::ParameterValue, 'Add an internal note to a ticket. Customers never see notes')
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
