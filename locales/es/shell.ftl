# `lab shell`: el prompt de redis-cli que conoce el clúster.

shell-welcome = Conectado a { $addr }. Escriba órdenes de Redis como en redis-cli; `help` explica este prompt, `exit` sale de él.
shell-help =
    Este prompt funciona como `redis-cli -c`: cada línea es una orden de Redis, que se envía al nodo que muestra el prompt.
    Cuando la clave pertenece a otro nodo, Redis responde MOVED (o ASK) y la orden se envía de nuevo a ese nodo;
    la línea "-> Redirected to slot …" lo indica, y tras un MOVED el prompt se queda en el nuevo nodo.
    Ponga entre comillas un argumento con espacios: "hola mundo" (donde funcionan \n, \t, \" y \xHH) o 'hola mundo'.
    connect HOST PUERTO   lleva el prompt a otro nodo, por ejemplo: connect 127.0.158.101 6380
    exit, quit o Ctrl-D   salen; Ctrl-C borra la línea, o deja de esperar una respuesta.
shell-unbalanced-quotes = Argumentos no válidos: comillas sin cerrar. Cierre cada " o ' y deje un espacio después.
# Igual que lo escribe redis-cli (en inglés), para que coincida con las diapositivas del curso.
shell-redirected = -> Redirected to slot [{ $slot }] located at { $addr }
shell-connect-usage = uso: connect HOST PUERTO (o connect HOST:PUERTO), por ejemplo: connect 127.0.158.101 6380
shell-unsupported = { $command } envía respuestas sin fin, que este prompt no puede mostrar; ejecútela con redis-cli.
shell-client-error = no se pudo leer la respuesta: { $detail }
