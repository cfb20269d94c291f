# Mensajes generales: errores, list y show.

error-prefix = error
error-lab-not-found = no hay ningún laboratorio llamado «{ $id }» (buscado en: { $searched }). Ejecuta `{ -lab } list` para ver los laboratorios, o indica la ruta de un directorio de laboratorio o de un fichero de diapositivas.
error-io-not-found = { $path } no existe.
error-io-permission = no se puede leer ni escribir { $path }: permiso denegado.
error-io = { $path }: { $reason }
error-lint-failed = { $count ->
    [one] se ha encontrado 1 error; corrígelo y vuelve a ejecutar `{ -lab } lint`.
   *[other] se han encontrado { $count } errores; corrígelos y vuelve a ejecutar `{ -lab } lint`.
}
error-interrupted = interrumpido; se ha detenido todo lo que esta orden había puesto en marcha.

list-empty = No hay laboratorios en { $dir }. Indica un directorio de laboratorios con `--labs-dir` (o LAB_LABS_DIR).
list-steps = { $count ->
    [one] 1 paso
   *[other] { $count } pasos
}

show-step = paso { $step }
show-notes = Notas del ponente:
show-no-slides = el laboratorio «{ $lab }» no tiene ficheros de diapositivas.
show-language-fallback = Este laboratorio no tiene diapositivas en «{ $wanted }»; se muestran en «{ $shown }».

bench-machine = Medianas en esta máquina ({ $cores } núcleos):
bench-what = MEDIDA
bench-median = MEDIANA
bench-min = MÍN
bench-max = MÁX
bench-runs = VECES
bench-target = OBJETIVO
bench-cold-up = `cluster up` en frío hasta sano (ok, enlazado, datos cargados)
bench-reform = formar de nuevo sobre nodos en marcha (`--fresh`, reinicio de laboratorio)
bench-snapshot = una instantánea ClusterState
bench-down = `cluster down`
bench-bad-snapshot = una instantánea no ha visto las { $keys } claves del laboratorio; el cluster del benchmark no está sano.
bench-failover-runner = de CLUSTER FAILOVER a la marca del paso (programa, cada 100 ms)
bench-failover-reported = el tiempo que da el ✓ (desde la llegada del comando)
bench-failover-tight = de CLUSTER FAILOVER al cambio de papeles (cada 5 ms)
bench-failover-stuck = un failover no se ha completado en 30 s.
bench-consistency-paced = prueba de consistencia, lecturas + escrituras por segundo, ritmo por defecto (5 s por vez)
bench-consistency-max = prueba de consistencia, lecturas + escrituras por segundo, --rate max (5 s por vez)
bench-consistency-fo-alone = CLUSTER FAILOVER según lo miden los nodos (log del maestro antiguo), sin la prueba
bench-consistency-fo-paced = CLUSTER FAILOVER según lo miden los nodos, con la prueba a su ritmo por defecto
bench-consistency-fo-max = CLUSTER FAILOVER según lo miden los nodos, con la prueba a --rate max
bench-consistency-window = ventana sin escrituras que midió la prueba en ese failover (ritmo por defecto)
bench-consistency-window-over = esa ventana menos lo que miden los propios nodos
bench-consistency-sweep = barrido final de { $keys } claves
export-written = Escrito { $path }.
export-template = { $file }:{ $pos }: { $reason }
list-exercise = ejercicio, { $criteria ->
    [one] 1 criterio
   *[other] { $criteria } criterios
}
bench-sentinel-asked = de SENTINEL FAILOVER a que todos los Sentinels nombren el nuevo maestro
bench-sentinel-rejoined = de SENTINEL FAILOVER a que el antiguo maestro replique al nuevo
bench-sentinel-killed = de matar el maestro (SIGKILL) a que todos los Sentinels nombren otro (down-after 2 s)
bench-screen-idle = de una tecla a la pantalla redibujada en `lab start` (pty), sin nada en segundo plano
bench-screen-test = de una tecla a la pantalla redibujada en `lab start`, con su prueba de consistencia en marcha
bench-screen-key = la diapositiva que pidió una tecla
bench-screen-ready = la diapositiva del paso con el clúster listo
bench-screen-stuck = `lab start` no mostró { $what } a tiempo; su pantalla:
    { $screen }
