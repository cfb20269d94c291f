# El formato de los laboratorios: avisos de lint, errores de YAML y de plantillas.

lint-error = error
lint-note = nota
lint-warning = aviso
lint-summary = { $lab }: { $errors ->
    [0] ningún error
    [one] 1 error
   *[other] { $errors } errores
}, { $warnings ->
    [one] 1 aviso
   *[other] { $warnings } avisos
} ({ $slides } diapositivas, { $steps } pasos)

lint-unclosed-fence = este bloque de código no se cierra nunca, así que el resto del fichero es código; añade la valla de cierre.
lint-marker-twice = una segunda marca de paso («{ $step }») en la misma diapositiva; una diapositiva pertenece a un solo paso.
lint-marker-malformed = esta marca de paso no tiene un identificador válido; escribe <!-- step: un-id --> con un identificador en minúsculas.
lint-marker-unknown-step = «{ $step }» no es un paso de lab.yaml (sus pasos: { $known }).
lint-marker-repeated = el paso «{ $step }» ya lo empezó una diapositiva anterior; las diapositivas de un paso deben ir seguidas.
lint-marker-order = el paso «{ $step }» va antes que «{ $after }» en lab.yaml, pero aquí va después; mantén las diapositivas en el orden de los pasos.
lint-step-without-slide = ninguna diapositiva de { $file } empieza el paso «{ $step }»; añade <!-- step: { $step } --> a su primera diapositiva (aquí o antes).
lint-title-missing = el título no tiene versión «{ $lang }», pero el laboratorio tiene { $lang }.md.
lint-hints-missing = el paso «{ $step }» no tiene pistas en «{ $lang }».
lint-step-title-missing = el paso «{ $step }» no tiene título en «{ $lang }».
lint-no-slides = el laboratorio no tiene ficheros de diapositivas; añade uno por idioma, como es.md y en.md.
lint-not-utf8 = un byte que no es UTF-8 (se ve como �); guarda el archivo en UTF-8.
lint-mojibake = «{ $found }» parece doblemente codificado (UTF-8 leído como una codificación de 8 bits); probablemente debería ser «{ $fixed }».

lint-bad-node-name = «{ $value }» no es un nombre de nodo; escribe host:puerto con un host de la topología, como b:6380.
lint-unknown-node = la topología no tiene el nodo «{ $value }» (sus nodos: { $known }).
lint-bad-lab-id = «{ $value }» no es un identificador de laboratorio válido; usa minúsculas, dígitos y guiones.
lint-unknown-language = «{ $value }» no es un idioma que lab hable (en, es); no se mostrará.
lint-bad-step-id = «{ $value }» no es un identificador de paso válido; usa minúsculas, dígitos y guiones.
lint-duplicate-step = ya hay un paso «{ $step }».
lint-no-steps = el laboratorio no tiene pasos, así que no hay nada que comprobar.
lint-bad-host-id = «{ $value }» no es un identificador de host válido; usa una palabra corta en minúsculas, como a o node1.
lint-duplicate-host = el host «{ $value }» aparece dos veces.
lint-bad-port = el puerto { $value } es cero o aparece dos veces.
lint-port-no-bus = el puerto { $value } no deja sitio a su bus de cluster, que escucha en puerto + 10000; usa un puerto hasta { $max }.
lint-port-is-bus = el puerto { $value } es el bus de cluster del puerto { $of } (puerto + 10000); elige otro.
lint-bad-node-timeout = un node timeout de { $value } ms está fuera de 100-60000 ms.
lint-node-twice = el nodo { $value } ya tiene un papel en la topología.
lint-slots-overlap = los slots { $slots } ya están asignados a otro maestro.
lint-master-without-slots = el maestro { $value } no sirve ningún slot.
lint-slots-uncovered = el reparto de slots deja { $slots } sin maestro; un cluster necesita los 16384 slots cubiertos.
lint-replica-of-non-master = { $value } no es un maestro de la topología, así que no puede tener réplicas.
lint-bad-prefix = «{ $value }» no puede ser un prefijo de claves; usa un prefijo no vacío sin espacios ni «*», como «mf:».
lint-too-many-keys = { $value } claves son más de las 10000000 que puede cargar un laboratorio.
lint-unknown-check-kind = «{ $value }» no es un tipo de comprobación. Tipos conocidos: { $known }.
lint-change-check-not-action = «{ $value }» compara con el estado al empezar el paso, así que solo tiene sentido en un paso de acción.
lint-keys-without-data = una comprobación del número de claves necesita que el laboratorio declare sus datos.
lint-step-needs-checks = el paso { $kind } «{ $step }» no tiene comprobaciones; indica cómo debe quedar el cluster.
lint-read-step-checks = el paso «{ $step }» es de lectura, así que sus comprobaciones nunca se ejecutan; hazlo de observación (observe).
lint-action-needs-solution = el paso de acción «{ $step }» no tiene solución; `lab test` necesita las órdenes que lo resuelven.
lint-bad-timeout = un tiempo límite de { $value } s está fuera de 1-600 s.

yaml-unknown-field = campo desconocido «{ $name }»; se esperaba uno de: { $known }.
yaml-unknown-value = valor desconocido «{ $name }»; se esperaba uno de: { $known }.
yaml-missing-field = falta el campo «{ $name }».
yaml-duplicate-field = el campo «{ $name }» aparece dos veces.
yaml-invalid = { $detail }
yaml-duplicate-key = una clave aparece dos veces en este mapa.
yaml-expected = aquí se esperaba { $what }.
yaml-expected-found = aquí se esperaba { $what }, no { $found }.
yaml-kind-whole-number = un número entero (sin signo y dentro del rango)
yaml-kind-number = un número
yaml-kind-bool = true o false
yaml-kind-text = un texto
yaml-kind-mapping = un mapa (líneas clave: valor)
yaml-kind-list = una lista (elementos «- » o [a, b])
yaml-kind-other = { $name }
yaml-found-text = el texto «{ $value }»
yaml-found-number = el número { $value }
yaml-found-bool = { $value }
yaml-found-mapping = un mapa
yaml-found-list = una lista
yaml-found-nothing = nada
yaml-eof = el archivo termina a medias: falta cerrar un corchete, unas comillas o un bloque.
yaml-unknown-anchor = un alias (*nombre) de un ancla (&nombre) que no está definida antes.
yaml-too-deep = { $depth } niveles de anidamiento, más de lo que necesita un laboratorio; busca corchetes sin cerrar.
yaml-too-big = el archivo es más grande o repetitivo de lo que necesita un laboratorio (demasiados elementos o alias).
yaml-many-documents = más de un documento YAML (un segundo «---»); un lab.yaml tiene uno solo.
yaml-syntax = el YAML no se puede leer aquí ({ $detail }).
yaml-syntax-colon = un «: » donde YAML no lo admite; pon el texto entre comillas si contiene «: ».
yaml-syntax-indent = la sangría no coincide con la de las líneas anteriores; alinea esta línea con sus hermanas.
yaml-syntax-tab = un tabulador en la sangría; YAML sangra con espacios.
yaml-syntax-bracket = un corchete ([ o {"{"}) sin cerrar, o dos elementos sin la coma entre ellos.
yaml-syntax-quote = unas comillas sin cerrar.
yaml-syntax-escape = un escape entre comillas dobles que YAML no conoce (como \q); escribe \\ para una barra invertida, o usa comillas simples.
yaml-syntax-after-quote = texto tras las comillas de cierre; pon todo el valor entre las comillas.
yaml-slot-range = «{ $value }» no es un rango de slots; escribe 0-5960 o un solo slot, entre 0 y 16383.
yaml-node-name = «{ $value }» no es un nombre de nodo; escribe host:puerto, como b:6380.
yaml-expected-kind = la comprobación «{ $value }» necesita un valor; escríbela como «{ $value }: …».
yaml-role = «{ $value }» no es un papel; escribe master o replica.
yaml-data-type = «{ $value }» no es un tipo de dato; usa string, hash, list, set o zset.
yaml-check-two-kinds = una comprobación tiene un solo tipo, pero esta también dice «{ $value }»; empieza otro elemento de la lista.

template-unknown-host = la topología no tiene el host «{ $value }» (sus hosts: { $known }).
template-unknown-node = la topología no tiene el nodo «{ $value }» (sus nodos: { $known }).
template-syntax = error de sintaxis en la plantilla: { $detail }
template-syntax-unclosed = la plantilla no está cerrada: un «{"{{"}» sin su «{"}}"}», o un «{"{%"}» sin su «{"%}"}».
template-syntax-variable = algo sigue a la expresión donde «{"}}"}» debería cerrarla.
template-syntax-block = algo sigue a la instrucción donde «{"%}"}» debería cerrarla.
template-syntax-statement = «{ $name }» no es una instrucción de plantilla (for, if, set… lo son).
template-arguments = número de argumentos incorrecto en «{ $detail }»: node(host, puerto), host(host), port(host, puerto).
template-invalid = «{ $detail }» no se puede calcular: revisa los tipos de lo que combina.
template-undefined = no definido en la plantilla: { $detail }. Nombres conocidos: node(), host(), port(), bus_port(), node_id(), lab, prefix, keys.
template-unknown-function = función de plantilla desconocida: { $detail }. Conocidas: node(host, puerto), host(host), port(host, puerto), node_id(host, puerto).
template-error = error en la plantilla: { $detail }
template-too-long = la plantilla tarda demasiado: se detuvo tras { $steps } pasos de trabajo. ¿Hay un bucle más largo de lo que el laboratorio necesita?
template-too-large = la plantilla escribe más de { $size } KB; se detuvo ahí.
lint-consistency-not-started = el paso «{ $step }» comprueba la prueba de consistencia, pero ningún paso hasta él la pone en marcha; añade `background: consistency` al paso donde debe empezar.
lint-bad-pass-mark = un aprobado de { $value } % está fuera de 1-100 %.
lint-bad-time-limit = un tiempo límite de { $value } s está fuera de 10-7200 s.
lint-no-criteria = el ejercicio no tiene criterios, así que no hay nada que calificar.
lint-duplicate-criterion = ya hay un criterio «{ $id }».
lint-criterion-no-points = el criterio «{ $id }» no vale ningún punto.
lint-criterion-no-checks = el criterio «{ $id }» no tiene comprobaciones.
lint-exercise-needs-solution = el ejercicio no tiene solución; `lab test` necesita las órdenes que lo resuelven.
lint-exercise-missing = un laboratorio de tipo exercise necesita una sección `exercise:` con sus criterios.
lint-exercise-in-lab = solo un laboratorio con `kind: exercise` tiene sección `exercise:`.
lint-exercise-solved-by-setup = el ejercicio ya está resuelto por su preparación: un cluster sin tocar sacaría un { $percent } %, al menos el aprobado del { $mark } %.
lint-description-missing = el criterio «{ $id }» no tiene descripción en «{ $lang }».
lint-not-simulated = criterio «{ $id }»: { $check } no se simula ({ $why }); `lab test` lo prueba en un cluster real.
lint-solution-empty = una línea de solución { $kind } vacía.
lint-solution-quotes = comillas sin cerrar en la línea de solución «{ $line }».
lint-solution-unknown-command = Redis no tiene el comando «{ $command }».
lint-solution-unknown-subcommand = Redis no tiene el comando «{ $command } { $sub }».
lint-solution-lab = `lab { $line }` no se ejecutaría: { $why }
lint-lab-line-command = lab no tiene el comando «{ $name }» (mira `lab --help`).
lint-lab-line-incomplete = al comando le falta algo (mira `lab help` para lo que admite).
lint-lab-line-argument = lab no admite «{ $name }» ahí.
lint-lab-line-value = «{ $value }» no es un valor que admita { $name }.
