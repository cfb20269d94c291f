# El comprobador de consistencia: contadores escritos y releídos a través de los failovers.

consistency-no-seeds = no se indicó ningún nodo del clúster contra el que ejecutar la prueba de consistencia.
consistency-bad-prefix = la prueba de consistencia necesita un prefijo de claves (por ejemplo lc:); uno vacío alcanzaría todas las claves del clúster.
consistency-no-slots = { $addr } no sirve ningún slot: no forma parte de un clúster formado (ejecuta `{ -lab } cluster check`).
consistency-no-master = ningún nodo dice ser el maestro (ROLE), o ningún Sentinel nombra uno: ¿está en marcha la replicación? Mira `{ -lab } cluster status`.
