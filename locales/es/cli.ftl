# Textos de ayuda de cada orden y argumento (`lab --help`, `lab <orden> --help`).

help-usage = Uso:
help-heading-commands = Órdenes
help-heading-options = Opciones
help-heading-arguments = Argumentos
help-value-command = ORDEN
help-value-options = [OPCIONES]
arg-help = Muestra la ayuda
arg-version = Muestra la versión

about-lab = Laboratorios prácticos de Redis Cluster: las diapositivas del curso convertidas en ejercicios comprobados sobre un cluster real.
arg-lab-lang = Idioma de los mensajes y las diapositivas: en o es [por defecto: según LAB_LANG, LANGUAGE, LC_ALL, LC_MESSAGES o LANG; si no, en]
arg-lab-color = Cuándo usar colores: auto, always o never [por defecto: auto; NO_COLOR los desactiva]
arg-lab-labs_dir = Directorio con los laboratorios [variable: LAB_LABS_DIR; por defecto: ./labs o, si no, los de esta compilación]

about-list = Lista los laboratorios, con su título y su número de pasos
about-show = Muestra las diapositivas de un laboratorio en la terminal
arg-show-lab = Identificador del laboratorio (ver `lab list`), su directorio o un fichero de diapositivas
arg-show-notes = Muestra también las notas del ponente
arg-show-topology = Direcciones que se rellenan: local (127.0.158.100-102) o vagrant (las máquinas virtuales del curso, 192.168.158.100-102) [por defecto: local]
about-lint = Busca errores en los laboratorios: manifiesto, diapositivas, marcas de paso, plantillas, comprobaciones, soluciones y codificación
arg-lint-labs = Identificadores de laboratorio, directorios o ficheros de diapositivas

cli-invalid-value = «{ $value }» no es un valor válido para { $arg }.
cli-possible-values = Valores posibles: { $valid }.
cli-unknown-argument = opción desconocida { $arg }.
cli-unknown-command = orden desconocida «{ $command }».
cli-missing-argument = falta un argumento obligatorio: { $arg }.
cli-missing-command = falta la orden.
cli-conflict = { $arg } no se puede usar con { $other }.
cli-wrong-values = número de valores incorrecto para { $arg }.
cli-try-help = Ejecuta con --help para ver qué se acepta.
