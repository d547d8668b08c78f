// The nnc language: a network written the way a course draws it.
//
//   model xor {
//     input  x: f32[2]
//     target t: f32[1]
//     y = x -> dense(2) -> sigmoid -> dense(1) -> sigmoid
//     loss squared_error(y, t)
//   }
//   train { data builtin.xor  optimizer sgd(lr = 0.5)  batch 4  epochs 5000  seed 1 }
//
// The grammar only says what is well-formed; which names are layers, which
// are values and which settings a train section takes is decided by semantic
// analysis (compiler/frontend/Sema.cpp), so that those errors can say what to
// do instead of "mismatched input". docs/language.md describes every construct.
grammar Nnc;

file        : topLevel* EOF ;
topLevel    : importDecl | modelDecl | blockDecl | trainDecl ;

importDecl  : 'import' (STRING | qualifiedName) ;

modelDecl   : 'model' name=ID '{' modelItem* '}' ;
modelItem   : 'input'  name=ID ':' tensorType     # inputDecl
            | 'target' name=ID (':' tensorType)?  # targetDecl
            | name=ID '=' expr                    # letDecl
            | 'loss' expr                         # lossDecl
            | 'output' expr                       # outputDecl
            ;
tensorType  : elem=ID '[' INT (',' INT)* ']' ;

// block name(config params)(value params) { lets; return expr }
blockDecl   : 'block' name=ID '(' blockParams? ')' '(' valueParams ')' '{' blockItem* '}' ;
blockParams : blockParam (',' blockParam)* ;
blockParam  : name=ID ':' type=ID ('=' expr)? ;
valueParams : ID (',' ID)* ;
blockItem   : name=ID '=' expr                    # blockLet
            | 'return' expr                       # blockReturn
            ;

trainDecl   : 'train' '{' trainItem* '}' ;
trainItem   : key=ID expr ;

// Expressions, loosest first. A chain feeds each stage the value before it.
expr        : additive ('->' additive)* ;
additive    : multiplicative (op+=('+' | '-') multiplicative)* ;
multiplicative : unary (op+=('*' | '/') unary)* ;
unary       : '-' unary                           # negate
            | primary                             # plain
            ;
primary     : NUMBER                              # numberLit
            | INT                                 # intLit
            | STRING                              # stringLit
            | qualifiedName '(' arguments? ')'    # call
            | qualifiedName                       # nameRef
            | '(' expr ')'                        # parens
            | '[' (expr (',' expr)*)? ']'         # listLit
            ;
arguments   : argument (',' argument)* ;
argument    : (name=ID '=')? expr ;
qualifiedName : ID ('.' ID)* ;

ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;
INT         : [0-9]+ ;
NUMBER      : [0-9]+ '.' [0-9]* EXPONENT? | '.' [0-9]+ EXPONENT? | [0-9]+ EXPONENT ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
STRING      : '"' (~["\\\r\n] | '\\' .)* '"' ;
COMMENT     : '#' ~[\r\n]* -> skip ;
WS          : [ \t\r\n]+ -> skip ;
// Anything else becomes a token the parser rejects, so a stray character is a
// syntax error with a position instead of a lexer message.
UNKNOWN     : . ;
