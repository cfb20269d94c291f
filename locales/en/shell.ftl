# `lab shell`: the cluster-aware redis-cli prompt.

shell-welcome = Connected to { $addr }. Type Redis commands as in redis-cli; `help` explains this prompt, `exit` leaves it.
shell-help =
    This prompt works like `redis-cli -c`: each line is a Redis command, sent to the node shown in the prompt.
    When the key belongs to another node, Redis answers MOVED (or ASK) and the command is sent again to that node;
    the line "-> Redirected to slot …" says so, and after a MOVED the prompt stays on the new node.
    Quote an argument that has spaces: "hello world" (where \n, \t, \" and \xHH work) or 'hello world'.
    connect HOST PORT     moves the prompt to another node, for example: connect 127.0.158.101 6380
    exit, quit or Ctrl-D  leave; Ctrl-C clears the line, or stops waiting for a reply.
shell-unbalanced-quotes = Invalid argument(s): unbalanced quotes. Close every " or ' and leave a space after it.
# Printed exactly as redis-cli prints it, so it matches the course's slides.
shell-redirected = -> Redirected to slot [{ $slot }] located at { $addr }
shell-connect-usage = usage: connect HOST PORT (or connect HOST:PORT), for example: connect 127.0.158.101 6380
shell-unsupported = { $command } sends replies without end, which this prompt cannot show; run it with redis-cli.
shell-client-error = the reply could not be read: { $detail }
